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


def _after_the_warranty(text: str, selected: dict[str, Any] | None = None) -> Tracker:
    """`text`, NLU unsure of it, right after the bot answered with the warranty FAQ."""
    history = [
        user_event("how long is the warranty?", "faq"),
        {"event": "bot", "text": "2 years.", "metadata": {"utter_action": "utter_faq/warranty"}},
    ]
    tracker = make_tracker(text, "nlu_fallback", intent_ranking=RANKING, history=history)
    if selected is not None:
        tracker.latest_message["response_selector"] = {"faq": {"response": selected}}
    return tracker


async def test_a_short_question_after_an_faq_answer_gets_that_topic_again() -> None:
    for text in (
        "what about furniture?",
        "und bei Laptops?",
        "那笔记本电脑呢？",
        "wie sieht es mit Laptops aus?",
    ):
        outcome = await run_action(ActionClarify(), _after_the_warranty(text))
        assert outcome.responses == ["utter_faq/warranty"], text


async def test_a_topic_the_selector_is_sure_of_wins() -> None:
    sure = {"utter_action": "utter_faq/shipping", "confidence": 0.97}
    outcome = await run_action(ActionClarify(), _after_the_warranty("to austria?", sure))
    assert outcome.responses == ["utter_faq/shipping"]
    unsure = {"utter_action": "utter_faq/returns_policy", "confidence": 0.73}
    outcome = await run_action(ActionClarify(), _after_the_warranty("bei Laptops?", unsure))
    assert outcome.responses == ["utter_faq/warranty"]


async def test_what_is_no_follow_up_is_still_a_miss() -> None:
    for text in ("asdf", "and what I really wanted to ask you about is something else entirely"):
        outcome = await run_action(ActionClarify(), _after_the_warranty(text))
        assert outcome.responses != ["utter_faq/warranty"], text
        assert outcome.slots == {"fallback_count": 1.0}


async def test_a_follow_up_answered_is_no_miss_for_the_next_message() -> None:
    history = [
        user_event("what about furniture?", "nlu_fallback"),
        {"event": "bot", "text": "2 years.", "metadata": {"utter_action": "utter_faq/warranty"}},
    ]
    outcome = await run_action(ActionClarify(), unclear(history))
    assert outcome.slots == {"fallback_count": 1.0}  # the clarifying question, no handoff
