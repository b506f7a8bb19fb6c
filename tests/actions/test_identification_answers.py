"""Answers to the identification questions that are no contact or fact: a question back, "I
don't know it", a name."""

from __future__ import annotations

import pytest

from actions.identification import ValidateIdentifyForm
from tests.actions.support import run_action
from tests.actions.test_identification import answer


@pytest.mark.parametrize(
    ("text", "requested", "response"),
    [
        ("why do you need that?", "contact", "utter_why_we_verify"),
        ("wozu brauchen Sie das?", "verification_fact", "utter_why_we_verify"),
        ("I forgot my email", "contact", "utter_contact_other_ways"),
        ("i dont know my postcode, i just moved", "verification_fact", "utter_fact_other_ways"),
    ],
)
async def test_a_question_back_gets_its_answer_and_no_wrong_value_message(
    text: str, requested: str, response: str
) -> None:
    slots = {"contact": "C10001"} if requested == "verification_fact" else {}
    outcome = await run_action(ValidateIdentifyForm(), answer(text, requested, slots=slots))
    assert outcome.responses == [response]
    # The requested slot is set (to nothing), so the form goes on and asks again.
    assert requested in outcome.slots and outcome.slots[requested] is None
    assert "flow_aborted" not in outcome.slots


async def test_i_dont_know_read_as_stop_stops_nothing() -> None:
    tracker = answer("weiß ich nicht mehr", "contact", intent="stop")
    outcome = await run_action(ValidateIdentifyForm(), tracker)
    assert outcome.responses == ["utter_contact_other_ways"]
    assert "flow_aborted" not in outcome.slots


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("I'm Anna Schmidt", True),
        ("Mein Name ist Ben Okafor.", True),
        ("我叫陈静", True),
        ("Anna Schmidt", True),
        ("Chloé Martin", True),
        ("Thank You", False),
        ("I'm in a hurry", False),
        ("ich bin sauer", False),
        ("我是新客户", False),
    ],
)
async def test_a_name_for_who_are_you_is_told_it_is_not_enough(text: str, named: bool) -> None:
    outcome = await run_action(ValidateIdentifyForm(), answer(text, "contact"))
    assert outcome.slots.get("contact") is None
    expected = "utter_name_is_not_enough" if named else "utter_invalid_contact"
    assert expected in outcome.responses
