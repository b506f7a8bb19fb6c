"""A second try at identification: a corrected fact with the same contact, another contact."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.identification import ValidateIdentifyForm
from tests.actions.support import run_action
from tests.actions.test_identification import answer, fact_answer


async def test_a_corrected_fact_after_a_failed_attempt_retries_the_same_contact() -> None:
    history = [SlotSet("contact", "anna.schmidt@example.com"), SlotSet("contact", None)]
    tracker = answer(
        "oh sorry 10115",
        "contact",
        (("postcode", "10115"),),
        slots={"identification_attempts": 1.0},
        history=history,
    )
    outcome = await run_action(ValidateIdentifyForm(), tracker)
    assert outcome.slots["is_verified"] is True
    assert outcome.slots["customer_name"] == "Anna"


async def test_a_fact_alone_before_any_failed_attempt_is_no_contact() -> None:
    history = [SlotSet("contact", "anna.schmidt@example.com"), SlotSet("contact", None)]
    tracker = answer("10115", "contact", (("postcode", "10115"),), history=history)
    outcome = await run_action(ValidateIdentifyForm(), tracker)
    assert outcome.slots.get("is_verified") is not True
    assert outcome.responses == ["utter_invalid_contact"]


async def test_another_contact_given_for_the_fact_replaces_the_contact() -> None:
    tracker = fact_answer(
        "nobody@example.com", "ok then C10003", entities=(("customer_number", "C10003"),)
    )
    outcome = await run_action(ValidateIdentifyForm(), tracker)
    assert outcome.slots["contact"] == "C10003"
    assert "utter_invalid_verification_fact" not in outcome.responses
    assert outcome.slots.get("is_verified") is not True
