"""Opening hours: read from the setting, open or not at a moment, the next opening."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crm_store.opening_hours import DEFAULT_OPENING_HOURS, parse_opening_hours

BERLIN = "Europe/Berlin"


def test_the_default_hours_in_berlin() -> None:
    hours = parse_opening_hours(DEFAULT_OPENING_HOURS, BERLIN)
    # Thursday 3 Dec 2026: 07:30 UTC is 08:30 in Berlin (open); 19:30 UTC is 20:30 (closed).
    assert hours.is_open(datetime(2026, 12, 3, 7, 30, tzinfo=timezone.utc))
    assert not hours.is_open(datetime(2026, 12, 3, 19, 30, tzinfo=timezone.utc))
    # Saturday evening: closed until Monday 08:00 Berlin time.
    after = hours.next_opening(datetime(2026, 12, 5, 18, 0, tzinfo=timezone.utc))
    assert after.isoformat() == "2026-12-07T08:00:00+01:00"
    # Before the opening of an open day: that same morning.
    early = hours.next_opening(datetime(2026, 12, 3, 5, 0, tzinfo=timezone.utc))
    assert early.isoformat() == "2026-12-03T08:00:00+01:00"


def test_ranges_wrap_and_24_00_closes_at_midnight() -> None:
    hours = parse_opening_hours("Sat-Mon 00:00-24:00", "UTC")
    assert sorted(hours.days) == [0, 5, 6]
    assert hours.is_open(datetime(2026, 12, 6, 23, 59, tzinfo=timezone.utc))  # a Sunday


@pytest.mark.parametrize(
    ("spec", "zone"),
    [
        ("Mon-Fri 9-18", BERLIN),
        ("Mon-Fri 18:00-09:00", BERLIN),
        ("Someday 09:00-10:00", BERLIN),
        ("Mon 25:00-26:00", BERLIN),
        ("", BERLIN),
        (DEFAULT_OPENING_HOURS, "Mars/Olympus"),
    ],
)
def test_bad_hours_are_refused(spec: str, zone: str) -> None:
    with pytest.raises(ValueError):
        parse_opening_hours(spec, zone)


@pytest.mark.parametrize(
    ("spec", "spans"),
    [
        (DEFAULT_OPENING_HOURS, [(0, 4, "08:00", "20:00"), (5, 5, "09:00", "16:00")]),
        # The order of the setting does not matter; a day of other hours splits a run.
        ("Sat 10:00-14:00, Mon-Wed 09:00-17:00, Thu 09:00-12:00, Fri 09:00-17:00",
         [(0, 2, "09:00", "17:00"), (3, 3, "09:00", "12:00"), (4, 4, "09:00", "17:00"),
          (5, 5, "10:00", "14:00")]),
        ("Sat-Mon 00:00-24:00, Wed 12:00-13:00",
         [(5, 0, "00:00", "24:00"), (2, 2, "12:00", "13:00")]),
        ("Mon-Sun 07:00-22:00", [(0, 6, "07:00", "22:00")]),
    ],
)  # fmt: skip
def test_spans_group_days_with_the_same_hours(
    spec: str, spans: list[tuple[int, int, str, str]]
) -> None:
    def clock(value: object) -> str:
        return "24:00" if str(value).startswith("23:59:59") else f"{value:%H:%M}"

    found = parse_opening_hours(spec, BERLIN).spans()
    assert [(first, last, clock(opens), clock(closes)) for first, last, opens, closes in found] == (
        spans
    )
