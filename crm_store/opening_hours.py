"""When the agents are there: opening hours such as "Mon-Fri 08:00-20:00, Sat 09:00-16:00" in
a time zone, and the next opening after a given moment (what a customer handed off at night
is told).

Configured with KEFU_OPENING_HOURS and KEFU_OPENING_TIMEZONE (kefu/settings.py); the default,
Mon–Fri 08:00–20:00 and Sat 09:00–16:00 in Europe/Berlin, is what the bot's handoff reply says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_OPENING_HOURS = "Mon-Fri 08:00-20:00, Sat 09:00-16:00"
DEFAULT_TIMEZONE = "Europe/Berlin"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<open>\d{1,2}:\d{2})\s*-\s*(?P<close>\d{1,2}:\d{2})\s*$"
)


@dataclass(frozen=True)
class OpeningHours:
    # Monday = 0: (opens, closes) on the days the team works.
    days: dict[int, tuple[time, time]]
    zone: ZoneInfo
    text: str

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.zone)
        hours = self.days.get(local.weekday())
        return hours is not None and hours[0] <= local.time() < hours[1]

    def next_opening(self, at: datetime) -> datetime:
        """The next moment the team opens after `at` (in the configured zone)."""
        local = at.astimezone(self.zone)
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            hours = self.days.get(day.weekday())
            if hours is None:
                continue
            opens = datetime.combine(day, hours[0], self.zone)
            if opens > local:
                return opens
        raise ValueError("opening hours without a single open day")  # parse() refuses those

    def spans(self) -> list[tuple[int, int, time, time]]:
        """(first day, last day, opens, closes) of each run of days with the same hours, in
        week order; a run may wrap round the week end (Sat-Mon is one span, 5 to 0)."""
        days = self.days
        if len(days) == 7 and len(set(days.values())) == 1:
            return [(0, 6, *days[0])]
        # Start at a day that begins a run: open, and the day before closed or different.
        start = next(d for d in range(7) if d in days and days.get((d - 1) % 7) != days[d])
        found: list[tuple[int, int, time, time]] = []
        for step in range(7):
            day = (start + step) % 7
            if day not in days:
                continue
            if found and found[-1][1] == (day - 1) % 7 and found[-1][2:] == days[day]:
                found[-1] = (found[-1][0], day, *days[day])
            else:
                found.append((day, day, *days[day]))
        return sorted(found, key=lambda span: span[0] if span[0] <= span[1] else -1)


def _clock(value: str) -> time:
    hour, minute = (int(part) for part in value.split(":"))
    if hour == 24 and minute == 0:
        return time.max
    return time(hour, minute)


def parse_opening_hours(spec: str, zone: str = DEFAULT_TIMEZONE) -> OpeningHours:
    """ "Mon-Fri 08:00-20:00, Sat 09:00-16:00" in `zone`; ValueError naming what is wrong."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {zone!r}") from None
    days: dict[int, tuple[time, time]] = {}
    for part in spec.lower().replace(";", ",").split(","):
        if not part.strip():
            continue
        found = _PART.match(part)
        if found is None or found["first"] not in DAYS or (found["last"] or "mon") not in DAYS:
            raise ValueError(f"cannot read {part.strip()!r} (e.g. 'Mon-Fri 09:00-18:00')")
        first = DAYS.index(found["first"])
        last = DAYS.index(found["last"] or found["first"])
        try:
            opens, closes = _clock(found["open"]), _clock(found["close"])
        except ValueError:
            raise ValueError(f"not a time of day in {part.strip()!r}") from None
        if not opens < closes:
            raise ValueError(f"{part.strip()!r} closes before it opens")
        for day in range(first, (last if last >= first else last + 7) + 1):
            days[day % 7] = (opens, closes)
    if not days:
        raise ValueError("no open day")
    return OpeningHours(days, tz, spec.strip())
