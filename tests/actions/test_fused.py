"""A completed form's submit action, run in the request of the validation that completes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.fused import ASK_FIELD, RESULT_FIELD, FusingExecutor, completes_form
from bot import fused_submit
from crm_store.models import Conversation, Feedback
from tests.actions.support import DOMAIN, FORMS, SENDER, form_answer

RULES = Path(__file__).resolve().parents[2] / "data" / "rules.yml"
CSAT = FORMS["csat_form"]


def submit_rules() -> dict[str, set[str]]:
    """Each form's submit actions in data/rules.yml: the action after the form's deactivation."""
    found: dict[str, set[str]] = {}
    for rule in yaml.safe_load(RULES.read_text())["rules"]:
        steps = rule["steps"]
        for index in range(len(steps) - 3):
            form, loop, asked, submit = steps[index : index + 4]
            if (
                "action" in form
                and loop == {"active_loop": None}
                and asked == {"slot_was_set": [{"requested_slot": None}]}
                and "action" in submit
            ):
                found.setdefault(form["action"], set()).add(submit["action"])
    return found


def test_every_form_validator_names_the_action_of_its_forms_submit_rules() -> None:
    rules = submit_rules()
    assert set(rules) == set(FORMS)  # every form has its submit rules
    assert all(len(submits) == 1 for submits in rules.values()), rules
    named = {
        validator.form_name(): {validator.submit_action}
        for validator in executor().form_validators().values()
    }
    assert named == rules


def test_both_servers_name_the_fields_alike() -> None:
    # bot/fused_submit.py cannot import the actions (another environment) and says them again.
    assert (fused_submit.ASK_FIELD, fused_submit.RESULT_FIELD) == (ASK_FIELD, RESULT_FIELD)


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


@pytest.mark.parametrize(
    ("events", "slots", "done"),
    [
        # The validator ends the form: requested_slot None, or the loop ended.
        ([slot("contact", "a@b.c"), slot("requested_slot", None)], {}, True),
        ([slot("flow_aborted", True), {"event": "active_loop", "name": None}], {}, True),
        # The last requested_slot counts.
        ([slot("requested_slot", None), slot("x", 1), slot("requested_slot", "rating")], {}, False),
        # None asked: Rasa asks for the first required slot still empty, or ends the form.
        ([slot("feedback_comment", "")], {"rating": 5.0, "feedback_comment": ""}, True),
        ([slot("rating", None)], {"rating": None, "feedback_comment": None}, False),
        # Nothing validated: Rasa rejects the run (or validates again at activation).
        ([slot("requested_slot", None)], {"rating": 5.0, "feedback_comment": ""}, False),
        ([], {"rating": 5.0, "feedback_comment": ""}, False),
        # Anything but slots and loops is left to the two calls.
        ([slot("rating", 5.0), {"event": "followup", "name": "action_x"}], {}, False),
        (
            [slot("rating", 5.0), {"event": "action_execution_rejected", "name": "csat_form"}],
            {"rating": 5.0, "feedback_comment": ""},
            False,
        ),
    ],
)
def test_completes_form_as_rasas_form_action(
    events: list[dict[str, Any]], slots: dict[str, Any], done: bool
) -> None:
    assert completes_form(events, slots, CSAT) is done


def executor() -> FusingExecutor:
    running = FusingExecutor()
    running.register_package("actions")
    return running


def call(tracker: Tracker, ask: bool = True) -> dict[str, Any]:
    body = {"next_action": "validate_csat_form", "tracker": tracker.current_state()}
    body["domain"] = DOMAIN
    return {**body, ASK_FIELD: True} if ask else body


def last_comment(text: str, intent: str = "deny") -> Tracker:
    """The customer's answer to "anything to add?" after rating 5."""
    return form_answer("csat_form", text, "feedback_comment", intent, (), {"rating": 5.0})


async def saved(crm_db: async_sessionmaker[AsyncSession]) -> list[tuple[float, str | None]]:
    async with crm_db() as session:
        rows = await session.scalars(
            select(Feedback).join(Conversation).where(Conversation.sender_id == SENDER)
        )
        return [(row.csat, row.comment) for row in rows]


async def test_a_completed_form_comes_back_with_its_submit(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    plain = await executor().run(call(last_comment("no, all good"), ask=False))
    assert plain is not None and RESULT_FIELD not in plain
    assert await saved(crm_db) == []

    fused = await executor().run(call(last_comment("no, all good")))
    assert fused is not None
    submit = fused.pop(RESULT_FIELD)
    assert fused == plain  # the validation's own result is unchanged
    assert submit["action"] == "action_save_feedback"
    assert [r["response"] for r in submit["responses"]] == [
        "utter_thanks_for_feedback",
        "utter_goodbye",
    ]
    assert {e["name"]: e["value"] for e in submit["events"]} == {
        "rating": None,
        "feedback_comment": None,
        "feedback_given": True,
    }
    assert await saved(crm_db) == [(5, None)]


def spying_executor(submit: str) -> tuple[FusingExecutor, list[Tracker]]:
    """An executor whose `submit` action only records the tracker it is given."""
    seen: list[Tracker] = []

    async def spy(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> list:
        seen.append(tracker)
        return []

    running = executor()
    running.actions[submit] = spy
    return running, seen


async def test_the_submit_sees_the_tracker_after_validation_and_deactivation() -> None:
    running, seen = spying_executor("action_save_feedback")
    validation = last_comment("no, all good")
    result = await running.run(call(validation))
    assert result is not None and result[RESULT_FIELD]["action"] == "action_save_feedback"
    [tracker] = seen
    assert tracker.slots["feedback_comment"] == "" and tracker.slots["rating"] == 5.0
    assert tracker.get_slot("requested_slot") is None
    assert not tracker.active_loop
    assert tracker.latest_message == validation.latest_message
    assert tracker.sender_id == validation.sender_id
    # As sent: the validator's Tracker added to the state it was given.
    added = tracker.events[len(last_comment("no, all good").events) :]
    assert [(e["event"], e.get("name"), e.get("value")) for e in added] == [
        ("slot", "feedback_comment", ""),
        ("slot", "requested_slot", None),
        ("active_loop", None, None),
    ]


async def test_the_validations_replies_come_before_its_events_in_the_submits_tracker() -> None:
    running, seen = spying_executor("action_order_status")
    # Three wrong pairs earlier: the form says so and ends at once.
    refused = form_answer(
        "order_status_form",
        "10115",
        "verification_fact",
        "inform",
        (),
        {"identification_attempts": 3.0},
    )
    body = {**call(refused), "next_action": "validate_order_status_form"}
    result = await running.run(body)
    assert result is not None and result[RESULT_FIELD]["action"] == "action_order_status"
    [tracker] = seen
    sent = form_answer(
        "order_status_form",
        "10115",
        "verification_fact",
        "inform",
        (),
        {"identification_attempts": 3.0},
    )
    added = tracker.events[len(sent.events) :]
    assert added[0]["event"] == "bot"
    assert added[0]["metadata"] == {"utter_action": "utter_identification_failed"}
    assert [e["event"] for e in added[1:]][-2:] == ["slot", "active_loop"]
    assert tracker.slots["flow_aborted"] is True


async def test_a_form_that_goes_on_is_not_submitted(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    tracker = form_answer("csat_form", "5 stars", "rating", "inform", (), {})
    result = await executor().run({**call(tracker)})
    assert result is not None and RESULT_FIELD not in result
    assert await saved(crm_db) == []


async def test_a_failing_submit_leaves_the_validation_alone() -> None:
    async def broken(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> list:
        raise RuntimeError("the CRM is down")

    running = executor()
    plain = await running.run(call(last_comment("no, all good"), ask=False))
    running.actions["action_save_feedback"] = broken
    result = await running.run(call(last_comment("no, all good")))
    assert result == plain
