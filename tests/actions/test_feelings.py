"""Upset customers get an apology and an offer; their words go into the ticket."""

from __future__ import annotations

from rasa_sdk.events import ActionExecuted
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.carry import carried_value
from actions.fallback import ActionClarify
from actions.feelings import ActionAcknowledgeFeelings, is_upset
from actions.handoff import handoff_reason
from crm_store.models import Conversation
from tests.actions.support import make_tracker, run_action, user_event

ANGRY = (
    "This is the third time I'm writing!!! My parcel never arrived and nobody helps me. "
    "Terrible service."
)


async def test_a_complaint_gets_an_apology_and_a_ticket_or_a_person() -> None:
    outcome = await run_action(ActionAcknowledgeFeelings(), make_tracker(ANGRY, "complain"))
    assert "sorry" in outcome.texts.lower()
    payloads = [b["payload"] for m in outcome.messages for b in m.get("buttons") or []]
    assert payloads == ["/open_ticket", "/human_handoff"]
    assert outcome.slots["complaint"] == ANGRY


async def test_the_apology_is_in_the_customers_language() -> None:
    tracker = make_tracker("服务太差了", "complain", slots={"language": "zh"})
    outcome = await run_action(ActionAcknowledgeFeelings(), tracker)
    assert "抱歉" in outcome.texts


async def test_an_upset_message_nlu_could_not_place_is_not_answered_with_a_question() -> None:
    outcome = await run_action(ActionClarify(), make_tracker("Waste of time", "nlu_fallback"))
    assert "sorry" in outcome.texts.lower()
    assert outcome.slots["complaint"] == "Waste of time"


def test_a_neutral_request_is_not_upset_and_a_second_complaint_is() -> None:
    assert not is_upset(make_tracker("where is my order", "order_status"))
    history = [user_event("my parcel is late again, not good", "order_status")]
    history.append(ActionExecuted("action_listen"))
    second = make_tracker("still nothing, this is bad", "order_status", history=history)
    assert is_upset(second)


def test_the_complaint_becomes_the_tickets_description_and_category() -> None:
    tracker = make_tracker(
        "/open_ticket", "open_ticket", slots={"complaint": ANGRY}, form="open_ticket_form"
    )
    assert carried_value(tracker, "ticket_description") == ANGRY
    assert carried_value(tracker, "ticket_category") == "delivery"


async def test_upset_again_after_the_apology_goes_to_a_person(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    tracker = make_tracker("Still nothing. Useless!!!", "complain", slots={"complaint": ANGRY})
    outcome = await run_action(ActionAcknowledgeFeelings(), tracker)
    assert outcome.responses == ["utter_handoff"]
    async with crm_db() as session:
        reason = await session.scalar(select(Conversation.handoff_reason))
    assert reason is not None and reason.startswith("upset customer")


async def test_taking_the_offered_person_says_the_customer_was_upset() -> None:
    tracker = make_tracker("/human_handoff", "human_handoff", slots={"complaint": ANGRY})
    assert handoff_reason(tracker).startswith("upset customer, asked for a human")
