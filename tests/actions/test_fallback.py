"""The clarifying fallback: two likely requests as buttons, a handoff after two misses in a row."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.fallback import ActionClarify, likely_requests
from crm_store.models import Conversation
from tests.actions.support import make_tracker, run_action, user_event

RANKING = [
    {"name": "nlu_fallback", "confidence": 0.7},
    {"name": "greet", "confidence": 0.31},
    {"name": "return_order", "confidence": 0.3},
    {"name": "chitchat", "confidence": 0.2},
    {"name": "order_status", "confidence": 0.25},
    {"name": "cancel_order", "confidence": 0.1},
]


def unclear(history: list[dict[str, Any]] | None = None) -> Tracker:
    return make_tracker(
        "can I get that thing sorted", "nlu_fallback", intent_ranking=RANKING, history=history or []
    )


def test_likely_requests_skips_what_the_bot_cannot_act_on() -> None:
    assert likely_requests({"intent_ranking": RANKING}) == ["return_order", "order_status"]
    assert likely_requests({}) == []


async def test_first_fallback_offers_the_two_likeliest_requests() -> None:
    outcome = await run_action(ActionClarify(), unclear())
    [message] = outcome.messages
    assert [b["payload"] for b in message["buttons"]] == [
        "/return_order",
        "/order_status",
        "/what_can_you_do",
    ]
    assert [b["title"] for b in message["buttons"]][-1] == "Something else"
    assert all(not b["title"].startswith("/") for b in message["buttons"])
    assert outcome.slots == {"fallback_count": 1.0}


async def test_second_fallback_in_a_row_hands_off_to_a_person(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    outcome = await run_action(ActionClarify(), unclear([user_event("huh", "nlu_fallback")]))
    assert outcome.responses == ["utter_handoff"]
    assert outcome.slots == {"agent_requested": True, "fallback_count": 0.0}
    async with crm_db() as session:
        reason = await session.scalar(select(Conversation.handoff_reason))
    assert reason == "the bot did not understand the customer: can I get that thing sorted"


async def test_a_clear_message_in_between_starts_counting_again() -> None:
    history = [user_event("huh", "nlu_fallback"), user_event("/order_status", "order_status")]
    outcome = await run_action(ActionClarify(), unclear(history))
    assert outcome.slots == {"fallback_count": 1.0}
    assert "/human_handoff" not in [b["payload"] for b in outcome.messages[0]["buttons"]]


async def test_fallback_with_no_useful_ranking_asks_to_rephrase() -> None:
    tracker = make_tracker("???", "nlu_fallback", intent_ranking=[{"name": "nlu_fallback"}])
    outcome = await run_action(ActionClarify(), tracker)
    assert [b["payload"] for b in outcome.messages[0]["buttons"]] == ["/what_can_you_do"]
