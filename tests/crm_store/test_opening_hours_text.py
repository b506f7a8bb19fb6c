"""The opening hours in the customer's language, from whatever hours are configured."""

from __future__ import annotations

import pytest

from crm_store.opening_hours import DEFAULT_OPENING_HOURS, parse_opening_hours
from crm_store.opening_hours_text import opening_hours_text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Mon–Fri 08:00–20:00, Sat 09:00–16:00"),
        ("de", "Mo–Fr 08:00–20:00, Sa 09:00–16:00"),
        ("zh", "周一至周五 08:00–20:00，周六 09:00–16:00"),
        # A language without its own day names reads the English ones.
        ("fr", "Mon–Fri 08:00–20:00, Sat 09:00–16:00"),
    ],
)
def test_the_default_hours_in_each_language(language: str, expected: str) -> None:
    hours = parse_opening_hours(DEFAULT_OPENING_HOURS, "Europe/Berlin")
    assert opening_hours_text(hours, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Tue–Thu 09:30–17:00, Sat–Sun 10:00–24:00"),
        ("de", "Di–Do 09:30–17:00, Sa–So 10:00–24:00"),
        ("zh", "周二至周四 09:30–17:00，周六至周日 10:00–24:00"),
    ],
)
def test_other_configured_hours_in_each_language(language: str, expected: str) -> None:
    hours = parse_opening_hours("sun 10:00-24:00; Tue-Thu 9:30-17:00, Sat 10:00-24:00", "UTC")
    assert opening_hours_text(hours, language) == expected


def test_a_run_over_the_week_end_stays_one_run() -> None:
    hours = parse_opening_hours("Fri-Mon 08:00-12:00, Wed 14:00-15:00", "UTC")
    assert opening_hours_text(hours, "de") == "Fr–Mo 08:00–12:00, Mi 14:00–15:00"
