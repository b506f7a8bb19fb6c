"""The rating: 1-5 from buttons or words, an optional comment, saved once per conversation."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.feedback import ActionSaveFeedback, ValidateCsatForm
from crm_store.models import Conversation, Feedback
from tests.actions.support import (
    SENDER,
    form_answer,
    make_tracker,
    run_action,
    user_event,
    verified,
)


def csat_answer(
    text: str, requested: str, intent: str = "inform", entities: Any = (), **slots: Any
) -> Tracker:
    return form_answer("csat_form", text, requested, intent, entities, slots)


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ('/inform{"rating":5}', [("rating", 5)], 5.0),
        ("4", [], 4.0),
        ("5 stars", [], 5.0),
        ("I'd give you a four", [], 4.0),
        ("3/5", [], 3.0),
    ],
)
async def test_extract_and_validate_rating(text: str, entities: Any, expected: float) -> None:
    outcome = await run_action(ValidateCsatForm(), csat_answer(text, "rating", entities=entities))
    assert outcome.slots["rating"] == expected
    assert outcome.messages == []


@pytest.mark.parametrize("text", ["7", "4.5", "meh", "0"])
async def test_validate_rating_refuses_what_is_not_1_to_5(text: str) -> None:
    outcome = await run_action(ValidateCsatForm(), csat_answer(text, "rating"))
    assert outcome.slots["rating"] is None
    assert outcome.responses == ["utter_invalid_rating"]


async def test_rating_in_the_request_that_starts_the_form() -> None:
    tracker = make_tracker("I'd give you a 4", intent="rate", form="csat_form")
    outcome = await run_action(ValidateCsatForm(), tracker)
    assert outcome.slots["rating"] == 4.0


async def test_goodbye_starting_the_form_is_no_rating() -> None:
    asked = [user_event("where is KF-500001", "order_status")]
    outcome = await run_action(
        ValidateCsatForm(), make_tracker("bye 2", "goodbye", form="csat_form", history=asked)
    )
    assert outcome.slots.get("rating") is None
    assert outcome.slots.get("flow_aborted") is None
    assert outcome.messages == []


@pytest.mark.parametrize(
    ("history", "rated"),
    [
        ([], False),
        ([user_event("hi", "greet"), user_event("thanks", "thanks")], False),
        ([user_event("where is KF-500001", "order_status")], True),
        ([user_event("asdf qwer", "nlu_fallback")], True),  # a miss is worth a rating too
    ],
)
async def test_goodbye_after_nothing_asked_asks_no_rating(
    history: list[dict[str, Any]], rated: bool
) -> None:
    tracker = make_tracker("bye", "goodbye", form="csat_form", history=history)
    outcome = await run_action(ValidateCsatForm(), tracker)
    assert (outcome.slots.get("flow_aborted") is True) is not rated


@pytest.mark.parametrize(("text", "intent"), [("no thanks", "deny"), ("bye!", "goodbye")])
async def test_no_to_the_rating_question_declines_the_survey(text: str, intent: str) -> None:
    outcome = await run_action(ValidateCsatForm(), csat_answer(text, "rating", intent))
    assert outcome.slots["flow_aborted"] is True
    assert outcome.slots["requested_slot"] is None
    after = make_tracker(text, intent, slots={"flow_aborted": True})
    outcome = await run_action(ActionSaveFeedback(), after)
    assert outcome.responses == ["utter_goodbye"]


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("no, all good", "deny", ""),
        ("nope", "inform", ""),
        (
            "Delivery was slow; DROP TABLE feedback;",
            "inform",
            "Delivery was slow; DROP TABLE feedback;",
        ),
        ("no complaints, great service", "deny", "no complaints, great service"),
    ],
)
async def test_extract_and_validate_feedback_comment(text: str, intent: str, expected: str) -> None:
    tracker = csat_answer(text, "feedback_comment", intent, rating=5.0)
    outcome = await run_action(ValidateCsatForm(), tracker)
    assert outcome.slots["feedback_comment"] == expected


async def saved_feedback(crm_db: async_sessionmaker[AsyncSession]) -> list[Feedback]:
    async with crm_db() as session:
        rows = await session.scalars(
            select(Feedback).join(Conversation).where(Conversation.sender_id == SENDER)
        )
        return list(rows)


async def test_feedback_is_saved_once_then_already_rated(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    slots = {**verified(), "rating": 5.0, "feedback_comment": "<script>alert(1)</script> great"}
    outcome = await run_action(ActionSaveFeedback(), make_tracker("great", slots=slots))
    assert outcome.responses == ["utter_thanks_for_feedback", "utter_goodbye"]
    assert outcome.slots == {"rating": None, "feedback_comment": None, "feedback_given": True}
    [feedback] = await saved_feedback(crm_db)
    assert feedback.csat == 5 and feedback.customer_id == 1
    assert feedback.comment == "<script>alert(1)</script> great"

    again = {"rating": 2.0, "feedback_comment": ""}
    outcome = await run_action(ActionSaveFeedback(), make_tracker("no", slots=again))
    assert outcome.responses == ["utter_already_rated", "utter_goodbye"]
    assert outcome.slots["feedback_given"] is True
    assert [f.csat for f in await saved_feedback(crm_db)] == [5]


async def test_feedback_without_comment_or_customer(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    slots = {"rating": 3.0, "feedback_comment": ""}
    await run_action(ActionSaveFeedback(), make_tracker("no", "deny", slots=slots))
    [feedback] = await saved_feedback(crm_db)
    assert (feedback.csat, feedback.comment, feedback.customer_id) == (3, None, None)


@pytest.mark.parametrize(
    ("text", "comment"),
    [
        ("5 stars but it was a bit slow", "5 stars but it was a bit slow"),
        ("vier Sterne, super schnell", "vier Sterne, super schnell"),
        ("I'd rate it a 4", None),
        ("4", None),
    ],
)
async def test_a_rating_with_more_words_keeps_them_as_its_comment(
    text: str, comment: str | None
) -> None:
    outcome = await run_action(ValidateCsatForm(), csat_answer(text, "rating"))
    assert outcome.slots["rating"] is not None
    assert outcome.slots.get("feedback_comment") == comment
