"""Composed replies: record details in readable sentences."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from actions import fallback, order_replies, replies, ticket_replies
from crm_store.views import OrderView, TicketView

WHEN = datetime(2025, 3, 4, 10, 0, tzinfo=timezone.utc)


def order(status: str, **changes: object) -> OrderView:
    values: dict[str, object] = {
        "order_number": "KF-500002",
        "status": status,
        "placed_at": WHEN,
        "total": Decimal("74.80"),
        "currency": "EUR",
        "carrier": None,
        "tracking_number": None,
        "shipped_at": None,
        "delivered_at": None,
        "cancelled_at": None,
        "item_summary": "2 × Desk lamp",
        **changes,
    }
    return OrderView(**values)  # type: ignore[arg-type]


def test_order_status_of_a_shipped_order_has_carrier_and_tracking() -> None:
    text = order_replies.order_status(
        order("shipped", carrier="DHL", tracking_number="0034", shipped_at=WHEN)
    )
    assert text.startswith(
        "Order KF-500002 (2 × Desk lamp), placed on 4 March 2025, was shipped on 4 March 2025 "
        "with DHL. Tracking number: 0034. It should have arrived by 10 March 2025."
    )


def test_order_status_of_other_states() -> None:
    assert "delivered on 4 March 2025" in order_replies.order_status(
        order("delivered", delivered_at=WHEN)
    )
    assert "cancelled" in order_replies.order_status(order("cancelled"))
    assert "being prepared" in order_replies.order_status(order("paid"))
    assert "was returned" in order_replies.order_status(order("returned"))


def test_recent_orders_lists_each_order_on_a_line() -> None:
    text = replies.recent_orders([order("paid"), order("delivered", order_number="KF-500003")])
    assert text.splitlines()[1].startswith("• KF-500002 — paid — 2 × Desk lamp")
    assert "74.80 EUR" in text
    assert replies.recent_orders([]).startswith("I can't see any orders")


def test_ticket_texts() -> None:
    ticket = TicketView(
        "T-10001", "open", "normal", "delivery", "problem", "Delivery: late", WHEN, WHEN
    )
    assert ticket_replies.ticket_status(ticket).startswith(
        "Ticket T-10001 “Delivery: late” (delivery)"
    )
    assert "T-10001" in ticket_replies.open_tickets([ticket])
    assert "no open support tickets" in ticket_replies.open_tickets([])


def test_refusals_name_the_reason() -> None:
    assert "shipped" in replies.order_not_cancellable("KF-500002", "shipped")
    assert "30 days" in replies.return_refused("KF-500004", "return_window_closed")
    assert "KF-500004" in replies.return_refused("KF-500004", "something new")


def test_quotes_are_shortened_and_on_one_line() -> None:
    quoted = replies.quote("a\nb " + "x" * 300)
    assert "\n" not in quoted and len(quoted) == 200 and quoted.endswith("…")


def test_clarify_buttons_have_labels_and_payloads() -> None:
    buttons = fallback.clarify_buttons(["order_status"])
    assert buttons[0] == {"title": "Where is my order?", "payload": "/order_status"}
    assert buttons[-1] == fallback.SOMETHING_ELSE_BUTTON


def test_cancel_question_of_an_order_without_items_leaves_no_empty_detail() -> None:
    for language in ("en", "de", "zh"):
        text = replies.cancel_question("KF-500002", order("paid", item_summary=""), language)
        assert "(," not in text and "（," not in text, text
        assert "74" in text
