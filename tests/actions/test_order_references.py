"""Which order a status question is about when it names none, or names several: the order last
named, the one at a place in the list just shown, each of several; and "no" to "which order?"."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActionExecuted, SlotSet

from actions.orders import (
    ActionOrderStatus,
    ValidateCancelOrderForm,
)
from tests.actions.support import (
    make_tracker,
    run_action,
    user_event,
    verified,
)
from tests.actions.test_orders import BEN_FACTS, cancel_answer


async def test_a_follow_up_without_a_number_is_about_the_order_last_named() -> None:
    history = [
        user_event("where is KF-500002", "order_status", [("order_number", "KF-500002")]),
        ActionExecuted("action_order_status"),
        ActionExecuted("action_listen"),
    ]
    tracker = make_tracker(
        "and when will it arrive", intent="order_status", slots=verified(), history=history
    )
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert "KF-500002" in outcome.texts and "00340434161234567890" in outcome.texts


async def test_an_order_number_given_as_proof_is_not_the_order_asked_about() -> None:
    history = [
        user_event("where is my order", "order_status"),
        SlotSet("requested_slot", "verification_fact"),
        user_event("KF-500002", "inform", [("order_number", "KF-500002")]),
        SlotSet("requested_slot", None),
    ]
    tracker = make_tracker(
        "where is my order", intent="order_status", slots=verified(), history=history
    )
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert "KF-500001" in outcome.texts  # Anna's latest order


RECENT_LIST = {
    "event": "bot",
    "text": (
        "Your recent orders:\n• KF-500001 — paid\n• KF-500002 — shipped\n• KF-500003 — delivered"
    ),
}


@pytest.mark.parametrize(
    "text", ["the second one, where is it?", "und die zweite, wo ist die?", "第二个订单到哪了"]
)
async def test_an_ordinal_after_a_list_picks_the_order_at_that_place(text: str) -> None:
    history = [user_event("show my last orders", "recent_orders"), RECENT_LIST]
    tracker = make_tracker(text, intent="order_status", slots=verified(), history=history)
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert "KF-500002" in outcome.texts and "00340434161234567890" in outcome.texts


async def test_an_ordinal_past_the_end_of_the_list_falls_back() -> None:
    history = [user_event("show my last orders", "recent_orders"), RECENT_LIST]
    tracker = make_tracker(
        "the fifth one?", intent="order_status", slots=verified(), history=history
    )
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert "KF-500001" in outcome.texts  # the latest order, as without a list


async def test_a_question_about_two_orders_answers_both() -> None:
    tracker = make_tracker(
        "where are KF-500001 and KF-500002",
        intent="order_status",
        entities=[("order_number", "KF-500001"), ("order_number", "KF-500002")],
        slots=verified(),
    )
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert "KF-500001" in outcome.texts and "00340434161234567890" in outcome.texts


async def test_of_two_orders_someone_elses_is_only_not_found() -> None:
    tracker = make_tracker(
        "where are KF-500002 and KF-500005",
        intent="order_status",
        entities=[("order_number", "KF-500002"), ("order_number", "KF-500005")],
        slots=verified(),
    )
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert "00340434161234567890" in outcome.texts
    assert "couldn't find order KF-500005" in outcome.texts
    for fact in BEN_FACTS:  # the number was the customer's own words; nothing else of Ben's
        assert fact == "KF-500005" or fact not in outcome.texts


@pytest.mark.parametrize(("text", "intent"), [("no", "deny"), ("nothing, thanks", "inform")])
async def test_no_to_which_order_ends_the_flow_instead_of_asking_again(
    text: str, intent: str
) -> None:
    tracker = cancel_answer(text, "order_number", intent=intent)
    outcome = await run_action(ValidateCancelOrderForm(), tracker)
    assert outcome.responses == ["utter_flow_stopped"]
    assert outcome.slots["flow_aborted"] is True


async def test_a_mistyped_order_number_is_still_asked_again() -> None:
    tracker = cancel_answer("KF-5000", "order_number")
    outcome = await run_action(ValidateCancelOrderForm(), tracker)
    assert outcome.responses == ["utter_invalid_order_number"]


async def test_my_order_after_someone_elses_number_is_the_latest_order() -> None:
    history = [
        user_event("status of KF-500005", "order_status", [("order_number", "KF-500005")]),
        ActionExecuted("action_order_status"),
        ActionExecuted("action_listen"),
    ]
    tracker = make_tracker(
        "ok, where is my order then?", intent="order_status", slots=verified(), history=history
    )
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert "KF-500001" in outcome.texts and "couldn't find" not in outcome.texts
