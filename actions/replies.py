"""Record details composed into the customer's language (orders, tickets, profile changes, buttons).

Fixed sentences live in domain.yml as responses; only text that carries record details is built
here. Values the customer typed are quoted back as plain text: the channels render text, not HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from crm_store.views import CustomerView, OrderView, TicketView

# Payloads of the yes/no buttons under every confirmation question.
YES_NO_BUTTONS: list[dict[str, Any]] = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
]

# Intents the clarifying fallback may offer, with the label shown on the button.
INTENT_LABELS: dict[str, str] = {
    "order_status": "Where is my order?",
    "recent_orders": "Show my recent orders",
    "cancel_order": "Cancel an order",
    "return_order": "Return an order or get a refund",
    "update_email": "Change my email address",
    "update_phone": "Change my phone number",
    "update_address": "Change my address",
    "open_ticket": "Report a problem",
    "ticket_status": "Check a support ticket",
    "identify": "Log in",
    "human_handoff": "Talk to a person",
    "rate": "Rate this conversation",
    "what_can_you_do": "What can you do?",
}
SOMETHING_ELSE_BUTTON = {"title": "Something else", "payload": "/what_can_you_do"}
OFFER_HUMAN_BUTTONS: list[dict[str, Any]] = [
    {"title": "Yes, connect me with a person", "payload": "/human_handoff"},
    {"title": "No, I'll rephrase", "payload": "/what_can_you_do"},
]

_RETURN_REFUSALS = {
    "not_delivered": "Order {number} hasn't been delivered yet, so it can't be returned. "
    "Once it arrives you have 30 days to return it.",
    "return_window_closed": "Order {number} was delivered more than 30 days ago, so the "
    "return period has ended. If something is wrong with it, I can open a support ticket.",
    "already_returned": "Order {number} has already been returned.",
    "return_already_requested": "There is already a return request for order {number}; "
    "our team will be in touch about it.",
}

# The longest piece of the customer's own text quoted back in a confirmation question.
_QUOTE_CHARS = 200


def date(value: datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def money(total: Decimal, currency: str) -> str:
    return f"{total:.2f} {currency}"


def quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1] + "…"


def order_status(order: OrderView) -> str:
    head = f"Order {order.order_number} ({order.item_summary}), placed on {date(order.placed_at)}"
    status = order.status.lower()
    if status == "shipped":
        line = f"{head}, was shipped"
        if order.shipped_at:
            line += f" on {date(order.shipped_at)}"
        if order.carrier:
            line += f" with {order.carrier}"
        line += "."
        if order.tracking_number:
            line += f" Tracking number: {order.tracking_number}."
        return line
    if status == "delivered":
        when = f" on {date(order.delivered_at)}" if order.delivered_at else ""
        return f"{head}, was delivered{when}."
    if status == "cancelled":
        when = f" on {date(order.cancelled_at)}" if order.cancelled_at else ""
        return f"{head}, was cancelled{when}."
    if status == "paid":
        return f"{head}, is paid and being prepared for shipping."
    if status == "placed":
        return f"{head}, has been received and is waiting for payment."
    return f"{head}, has the status “{order.status}”."


def _listing(heading: str, lines: list[str], when_empty: str) -> str:
    return "\n".join([heading, *(f"• {line}" for line in lines)]) if lines else when_empty


def recent_orders(orders: Sequence[OrderView]) -> str:
    return _listing(
        "Your recent orders:",
        [
            f"{o.order_number} — {o.status} — {o.item_summary} — placed {date(o.placed_at)}, "
            f"{money(o.total, o.currency)}"
            for o in orders
        ],
        "I can't see any orders on your account yet.",
    )


def cancel_question(order_number: str, order: OrderView | None = None) -> str:
    if order is None:
        return f"Shall I cancel order {order_number}?"
    return (
        f"Shall I cancel order {order.order_number} ({order.item_summary}, "
        f"{money(order.total, order.currency)}, placed on {date(order.placed_at)})?"
    )


def order_cancelled(order: OrderView) -> str:
    return (
        f"Done — order {order.order_number} is cancelled. "
        "If you have already paid, the money will be refunded within a few days."
    )


def order_not_cancellable(order_number: str, status: str) -> str:
    status = status.lower()
    if status == "shipped":
        return (
            f"Order {order_number} has already shipped, so it can't be cancelled any more. "
            "Once it arrives you can return it within 30 days."
        )
    if status == "delivered":
        return (
            f"Order {order_number} has already been delivered, so it can't be cancelled. "
            "You can return it within 30 days of delivery instead."
        )
    if status == "cancelled":
        return f"Order {order_number} is already cancelled."
    return f"Order {order_number} is {status} and can no longer be cancelled."


def return_refused(order_number: str, reason: str) -> str:
    template = _RETURN_REFUSALS.get(
        reason, "I'm afraid order {number} can't be returned. Our team can help if you ask."
    )
    return template.format(number=order_number)


def return_requested(ticket: TicketView, order_number: str) -> str:
    return (
        f"I've registered your return request for order {order_number} as {ticket.ticket_number}. "
        "Our team will email you the return label and instructions."
    )


def ticket_question(category: str, description: str) -> str:
    return (
        f"I'll open a {category} ticket with this description: “{quote(description)}”. "
        "Shall I go ahead?"
    )


def ticket_opened(ticket: TicketView, typical_hours: float | None = None) -> str:
    text = (
        f"I've opened ticket {ticket.ticket_number} ({ticket.category}). "
        "Our team will get back to you; you can ask me about its status any time."
    )
    if typical_hours is not None:
        text += f" Similar requests were usually resolved within {duration(typical_hours)}."
    return text


def duration(hours: float) -> str:
    """Round hours to what a customer wants to hear: "about 2 days", not "52.7 h"."""
    if hours < 1.5:
        return "an hour"
    if hours < 36:
        return f"about {round(hours)} hours"
    return f"about {round(hours / 24)} days"


def ticket_status(ticket: TicketView) -> str:
    return (
        f"Ticket {ticket.ticket_number} “{ticket.subject}” ({ticket.category}) is {ticket.status}; "
        f"last updated on {date(ticket.updated_at)}."
    )


def open_tickets(tickets: Sequence[TicketView]) -> str:
    return _listing(
        "Your open tickets:",
        [f"{t.ticket_number} — {t.status} — {t.subject} (updated {date(t.updated_at)})"
         for t in tickets],
        "You have no open support tickets at the moment.",
    )  # fmt: skip


def masked_email(email: str) -> str:
    """`a•••@example.com`: enough to recognise, too little to learn from."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def masked_phone(phone: str) -> str:
    """`+49 ••• 567`: the country code and the last three digits."""
    digits = phone.lstrip("+")
    country = "+" + digits[:2] if phone.startswith("+") else digits[:2]
    return f"{country} ••• {digits[-3:]}" if len(digits) > 5 else "•••"


def email_updated(customer: CustomerView) -> str:
    return f"Done — your email address is now {masked_email(customer.email)}."


def phone_updated(customer: CustomerView) -> str:
    return f"Done — your phone number is now {masked_phone(customer.phone or '')}."


def address_updated(customer: CustomerView) -> str:
    # The city alone: the street and postcode are not repeated to whoever reads the chat.
    return f"Done — your address is updated (in {customer.city or 'the new city'})."


def clarify_question(has_options: bool) -> str:
    if has_options:
        return "Sorry, I'm not sure I understood. Did you mean one of these?"
    return "Sorry, I'm not sure I understood. Could you say it in other words?"


def offer_human() -> str:
    return (
        "I'm sorry, I still don't understand. "
        "Would you like me to pass the conversation to a colleague from our team?"
    )


def clarify_buttons(intents: Sequence[str]) -> list[dict[str, Any]]:
    buttons = [{"title": INTENT_LABELS[name], "payload": f"/{name}"} for name in intents]
    return [*buttons, SOMETHING_ELSE_BUTTON]
