"""A ticket picked from the list of open tickets by its place or by its subject's words."""

from __future__ import annotations

from actions.listed_tickets import ticket_pointed_at
from tests.actions.support import make_tracker

_LIST = (
    "Your open tickets:\n"
    "• T-10001 — open — Parcel has not arrived (updated 4 December 2026)\n"
    "• T-10801 — new — My blender arrived broken (updated 5 December 2026)"
)


def _after(reply: str, bot_text: str = _LIST) -> str | None:
    return ticket_pointed_at(make_tracker(reply, history=[{"event": "bot", "text": bot_text}]))


def test_a_ticket_is_picked_by_its_place() -> None:
    assert _after("the second one") == "T-10801"
    assert _after("das erste") == "T-10001"
    assert _after("第二个") == "T-10801"
    assert _after("the fifth one") is None  # no fifth ticket listed


def test_a_ticket_is_picked_by_the_words_of_its_subject_alone() -> None:
    assert _after("the one about the blender") == "T-10801"
    assert _after("the parcel one") == "T-10001"
    # "arrived" is in both subjects; "updated" in neither subject.
    assert _after("the one that arrived") is None
    assert _after("the one updated in December") is None


def test_nothing_is_picked_without_a_list_of_tickets() -> None:
    assert _after("the second one", "Order KF-500001 was delivered.") is None
    assert ticket_pointed_at(make_tracker("the blender")) is None
