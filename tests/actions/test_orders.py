"""Order flows: status, recent orders, cancelling and returns — only ever the customer's own."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions import crm, orders
from actions.order_question import ActionAskOrderNumber
from actions.orders import (
    ActionAskConfirmCancel,
    ActionCancelOrder,
    ActionOrderStatus,
    ActionRecentOrders,
    ActionRequestReturn,
    ValidateCancelOrderForm,
    ValidateReturnForm,
)
from crm_store.models import Order, Ticket
from crm_store.services.orders import recent_orders
from crm_store.views import OrderView
from tests.actions.support import (
    BEN,
    DOMAIN,
    make_tracker,
    run_action,
    settings_for,
    user_event,
    verified,
)

BEN_FACTS = ("Ben", "Okafor", "Hamburg", "KF-500005", "DPD")


def cancel_answer(text: str, requested: str, entities: Any = (), **slots: Any) -> Tracker:
    return make_tracker(
        text,
        intent=slots.pop("intent", "inform"),
        entities=entities,
        form="cancel_order_form",
        requested_slot=requested,
        slots={**verified(), **slots},
    )


def reason_answer(text: str, intent: str = "inform") -> Tracker:
    """`text` said when the return form asks why KF-500003 goes back."""
    return make_tracker(
        text,
        intent=intent,
        form="return_form",
        requested_slot="return_reason",
        slots={**verified(), "order_number": "KF-500003"},
    )


async def status_of(crm_db: async_sessionmaker[AsyncSession], number: str) -> str:
    async with crm_db() as session:
        status = await session.scalar(select(Order.status).where(Order.order_number == number))
    return str(getattr(status, "value", status))


# --- cancel_order_form ------------------------------------------------------------------


async def test_extract_order_number_from_the_request_that_starts_the_form() -> None:
    tracker = make_tracker(
        "I want to cancel order KF-500001",
        intent="cancel_order",
        entities=[("order_number", "KF-500001")],
        form="cancel_order_form",
        slots=verified(),
    )
    outcome = await run_action(ValidateCancelOrderForm(), tracker)
    assert outcome.slots["order_number"] == "KF-500001"
    assert outcome.slots["requested_slot"] == "confirm_cancel"
    assert outcome.messages == []


async def test_extract_order_number_reads_a_bare_number_when_asked() -> None:
    outcome = await run_action(ValidateCancelOrderForm(), cancel_answer("500001", "order_number"))
    assert outcome.slots["order_number"] == "KF-500001"


async def test_validate_order_number_rejects_what_is_not_an_order_number() -> None:
    outcome = await run_action(
        ValidateCancelOrderForm(), cancel_answer("the blue one", "order_number")
    )
    assert outcome.slots["order_number"] is None
    assert outcome.responses == ["utter_invalid_order_number"]


async def test_someone_elses_order_is_answered_like_a_missing_one() -> None:
    theirs = await run_action(ValidateCancelOrderForm(), cancel_answer("KF-500005", "order_number"))
    missing = await run_action(
        ValidateCancelOrderForm(), cancel_answer("KF-599999", "order_number")
    )
    assert theirs.messages == missing.messages
    assert theirs.responses == ["utter_order_not_found"]
    assert theirs.slots["order_number"] is None
    for fact in BEN_FACTS:
        assert fact not in theirs.texts


async def test_cancelling_a_shipped_order_is_refused_at_once_and_changes_nothing(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    outcome = await run_action(
        ValidateCancelOrderForm(), cancel_answer("KF-500002", "order_number")
    )
    assert "shipped" in outcome.texts
    assert outcome.slots["flow_aborted"] is True
    assert outcome.slots["requested_slot"] is None
    # The submit action then ends the flow quietly; the order is untouched.
    submit = make_tracker("KF-500002", intent="inform", slots={**verified(), "flow_aborted": True})
    after = await run_action(ActionCancelOrder(), submit)
    assert after.messages == []
    assert await status_of(crm_db, "KF-500002") == "shipped"


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("yes please", "affirm", True),
        ("/affirm", "affirm", True),
        ("no", "deny", False),
        ("sure", "inform", True),
        ("nope, keep it", "inform", False),
    ],
)
async def test_extract_and_validate_confirm_cancel(text: str, intent: str, expected: bool) -> None:
    tracker = cancel_answer(text, "confirm_cancel", intent=intent, order_number="KF-500001")
    outcome = await run_action(ValidateCancelOrderForm(), tracker)
    assert outcome.slots["confirm_cancel"] is expected
    assert outcome.slots.get("requested_slot") is None


async def test_validate_confirm_cancel_asks_again_when_unclear() -> None:
    tracker = cancel_answer("maybe tomorrow", "confirm_cancel", order_number="KF-500001")
    outcome = await run_action(ValidateCancelOrderForm(), tracker)
    assert outcome.slots["confirm_cancel"] is None
    assert outcome.responses == ["utter_please_rephrase"]


async def test_ask_confirm_cancel_shows_the_order_with_yes_no_buttons() -> None:
    tracker = make_tracker("cancel KF-500001", slots={**verified(), "order_number": "KF-500001"})
    outcome = await run_action(ActionAskConfirmCancel(), tracker)
    assert "KF-500001" in outcome.texts and "?" in outcome.texts
    assert [b["payload"] for b in outcome.messages[0]["buttons"]] == ["/affirm", "/deny"]


async def test_cancel_confirmed_cancels_and_resets_the_flow(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    slots = {**verified(), "order_number": "KF-500001", "confirm_cancel": True}
    outcome = await run_action(ActionCancelOrder(), make_tracker("yes", "affirm", slots=slots))
    assert "KF-500001" in outcome.texts and "cancelled" in outcome.texts
    assert await status_of(crm_db, "KF-500001") == "cancelled"
    assert outcome.slots == {"order_number": None, "confirm_cancel": None}


async def test_cancel_declined_keeps_the_order(crm_db: async_sessionmaker[AsyncSession]) -> None:
    slots = {**verified(), "order_number": "KF-500001", "confirm_cancel": False}
    outcome = await run_action(ActionCancelOrder(), make_tracker("no", "deny", slots=slots))
    assert outcome.responses == ["utter_cancel_kept"]
    assert await status_of(crm_db, "KF-500001") == "paid"
    assert outcome.slots == {"order_number": None, "confirm_cancel": None}


async def test_cancel_refused_by_the_service_says_why(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    # Shipped between the question and the "yes": cancel_order itself refuses.
    slots = {**verified(), "order_number": "KF-500002", "confirm_cancel": True}
    outcome = await run_action(ActionCancelOrder(), make_tracker("yes", "affirm", slots=slots))
    assert "shipped" in outcome.texts
    assert await status_of(crm_db, "KF-500002") == "shipped"


# --- return_form ------------------------------------------------------------------------


async def test_extract_return_reason_takes_the_text_whatever_nlu_made_of_it() -> None:
    tracker = reason_answer("it arrived scratched, what is your returns policy anyway", "faq")
    outcome = await run_action(ValidateReturnForm(), tracker)
    assert outcome.slots["return_reason"].startswith("it arrived scratched")
    assert outcome.slots["requested_slot"] is None


async def test_validate_return_reason_needs_some_words() -> None:
    tracker = reason_answer("   ")
    # Whitespace is no answer: nothing is extracted, and the form asks again.
    outcome = await run_action(ValidateReturnForm(), tracker)
    assert "return_reason" not in outcome.slots
    dispatcher = CollectingDispatcher()
    result = await ValidateReturnForm().validate_return_reason(" ", dispatcher, tracker, DOMAIN)
    assert result == {"return_reason": None}
    assert dispatcher.messages[0]["response"] == "utter_please_rephrase"


@pytest.mark.parametrize(
    ("text", "intent"), [("ok thanks", "thanks"), ("ja", "affirm"), ("对", "affirm")]
)
async def test_an_acknowledgement_is_no_return_reason(text: str, intent: str) -> None:
    outcome = await run_action(ValidateReturnForm(), reason_answer(text, intent))
    assert outcome.slots["return_reason"] is None
    assert outcome.responses == ["utter_explain_return_reason"]
    assert outcome.slots["requested_slot"] == "return_reason"


async def test_a_yes_that_gives_a_reason_is_the_reason() -> None:
    outcome = await run_action(ValidateReturnForm(), reason_answer("ja, passt nicht", "affirm"))
    assert outcome.slots["return_reason"] == "ja, passt nicht"


async def test_return_within_30_days_opens_a_return_ticket(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    slots = {**verified(), "order_number": "KF-500003", "return_reason": "scratched <b>lid</b>"}
    outcome = await run_action(ActionRequestReturn(), make_tracker("scratched", slots=slots))
    assert "KF-500003" in outcome.texts and "T-" in outcome.texts
    async with crm_db() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.description.contains("lid")))
    assert ticket is not None
    assert ticket.description == "scratched <b>lid</b>"  # stored as typed, just text
    assert str(getattr(ticket.type, "value", ticket.type)) == "return"
    assert outcome.slots == {"order_number": None, "return_reason": None}


async def test_return_after_30_days_is_refused(crm_db: async_sessionmaker[AsyncSession]) -> None:
    slots = {
        **verified(BEN, "Ben"),
        "order_number": "KF-500004",
        "return_reason": "too small",
    }
    outcome = await run_action(ActionRequestReturn(), make_tracker("too small", slots=slots))
    assert "30 days" in outcome.texts
    async with crm_db() as session:
        assert await session.scalar(select(Ticket).where(Ticket.description == "too small")) is None


async def test_return_form_checks_the_order_is_the_customers() -> None:
    tracker = make_tracker(
        "KF-500004",
        intent="inform",
        entities=[("order_number", "KF-500004")],
        form="return_form",
        requested_slot="order_number",
        slots=verified(),
    )
    outcome = await run_action(ValidateReturnForm(), tracker)
    assert outcome.responses == ["utter_order_not_found"]


# --- order status and recent orders -----------------------------------------------------


async def test_order_status_with_tracking_for_a_verified_customer() -> None:
    tracker = make_tracker(
        "what's the status of order KF-500002?",
        intent="order_status",
        entities=[("order_number", "KF-500002")],
        slots=verified(),
    )
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert "KF-500002" in outcome.texts
    assert "DHL" in outcome.texts and "00340434161234567890" in outcome.texts


async def test_order_status_uses_the_request_from_before_identification() -> None:
    request = user_event("where is KF-500002?", "order_status", [("order_number", "KF-500002")])
    contact = user_event("anna.schmidt@example.com", "inform", [("email", "x")])
    # The latest message is the verification fact, itself an order number.
    tracker = make_tracker(
        "KF-500003",
        intent="inform",
        entities=[("order_number", "KF-500003")],
        history=[request, contact],
        slots=verified(),
    )
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert "KF-500002" in outcome.texts and "KF-500003" not in outcome.texts


async def test_order_status_without_a_number_shows_the_latest_order() -> None:
    tracker = make_tracker("where is my order", intent="order_status", slots=verified())
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert "KF-50000" in outcome.texts


async def _an_item_of_one_order(
    crm_db: async_sessionmaker[AsyncSession],
) -> tuple[list[OrderView], OrderView, str]:
    """Anna's recent orders, one that is not the latest, and a word only its items have."""
    async with crm_db() as session:
        orders = await recent_orders(session, 1)

    def words(order: OrderView) -> set[str]:
        return set(re.findall(r"[a-z]{4,}", order.item_summary.lower()))

    for order in orders[1:]:
        for word in sorted(words(order)):
            if sum(word in words(other) for other in orders) == 1:
                return orders, order, word
    raise AssertionError("no item word only one of Anna's orders has")


@pytest.mark.parametrize("language", ["en", "de"])
async def test_order_status_without_a_number_is_of_the_order_with_the_item_named(
    crm_db: async_sessionmaker[AsyncSession], language: str
) -> None:
    orders, meant, word = await _an_item_of_one_order(crm_db)
    text = f"where is my {word}?" if language == "en" else "wo ist das Ding?"
    tracker = make_tracker(text, intent="order_status", slots={**verified(), "language": language})
    if language == "de":  # the NLU's English gloss names the item (bot/gloss.py)
        tracker.latest_message["gloss"] = f"where is my {word}"
        tracker.events[-1]["parse_data"]["gloss"] = f"where is my {word}"
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert meant.order_number in outcome.texts
    assert orders[0].order_number not in outcome.texts


async def test_order_status_of_someone_elses_order_leaks_nothing() -> None:
    tracker = make_tracker(
        "status of KF-500005",
        intent="order_status",
        entities=[("order_number", "KF-500005")],
        slots=verified(),
    )
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert outcome.responses == ["utter_order_not_found"]
    for fact in BEN_FACTS:
        assert fact not in outcome.texts


async def test_an_unverified_customer_gets_no_order_data() -> None:
    tracker = make_tracker(
        "where is KF-500002", intent="order_status", entities=[("order_number", "KF-500002")]
    )
    for action in (ActionOrderStatus(), ActionRecentOrders(), ActionCancelOrder()):
        outcome = await run_action(action, tracker)
        assert outcome.messages == []


async def test_recent_orders_lists_only_the_customers_own() -> None:
    tracker = make_tracker("my recent orders", intent="recent_orders", slots=verified(BEN, "Ben"))
    outcome = await run_action(ActionRecentOrders(), tracker)
    assert "KF-500004" in outcome.texts and "KF-500005" in outcome.texts
    assert "KF-500001" not in outcome.texts


async def test_a_slow_crm_gets_an_apology_within_the_timeout(
    monkeypatch: pytest.MonkeyPatch, crm_url: str
) -> None:
    async def slow(*args: Any, **kwargs: Any) -> list[Any]:
        await asyncio.sleep(5)
        return []

    monkeypatch.setattr(orders, "recent_orders", slow)
    await crm.configure(settings_for(crm_url, timeout=0.2))
    started = time.monotonic()
    tracker = make_tracker("my recent orders", intent="recent_orders", slots=verified())
    outcome = await run_action(ActionRecentOrders(), tracker)
    assert time.monotonic() - started < 1.0
    assert outcome.responses == ["utter_technical_problem"]


async def test_which_order_asked_of_a_customer_not_verified_is_the_plain_question() -> None:
    tracker = make_tracker("hi", form="return_form", requested_slot="order_number")
    outcome = await run_action(ActionAskOrderNumber(), tracker)
    assert outcome.responses == ["utter_ask_order_number"]
