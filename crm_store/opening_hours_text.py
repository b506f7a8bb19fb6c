"""The team's opening hours as a customer reads them, in their language.

Built from the configured hours (KEFU_OPENING_HOURS, crm_store/opening_hours.py), never from a
fixed sentence: "Mon–Fri 08:00–20:00, Sat 09:00–16:00", "Mo–Fr 08:00–20:00, Sa 09:00–16:00",
"周一至周五 08:00–20:00，周六 09:00–16:00".
"""

from __future__ import annotations

from datetime import time

from crm_store.opening_hours import OpeningHours

# The languages the bot answers in; any other reads the English day names.
LANGUAGES = ("en", "de", "zh")

_DAY_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}
# Between the first and the last day of a run, and between runs.
_DAY_RANGE = {"en": "–", "de": "–", "zh": "至"}
_SEPARATOR = {"en": ", ", "de": ", ", "zh": "，"}


def _clock(value: time) -> str:
    return "24:00" if value == time.max else f"{value:%H:%M}"


def opening_hours_text(hours: OpeningHours, language: str) -> str:
    """`hours` in `language` (English for a language without day names here)."""
    lang = language if language in _DAY_NAMES else "en"
    names = _DAY_NAMES[lang]
    parts = []
    for first, last, opens, closes in hours.spans():
        days = names[first] if first == last else f"{names[first]}{_DAY_RANGE[lang]}{names[last]}"
        parts.append(f"{days} {_clock(opens)}–{_clock(closes)}")
    return _SEPARATOR[lang].join(parts)


def opening_hours_texts(hours: OpeningHours) -> dict[str, str]:
    """`hours` with their time zone in each of the bot's languages, as the handoff names them:
    "Mon–Fri 08:00–20:00, Sat 09:00–16:00 (Europe/Berlin time)"."""
    zone = {
        "en": f" ({hours.zone} time)",
        "de": f" (Zeitzone {hours.zone})",
        "zh": f"（时区：{hours.zone}）",
    }
    return {
        language: opening_hours_text(hours, language) + zone[language] for language in LANGUAGES
    }
