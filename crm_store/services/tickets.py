"""Ticket services: open a case, request a return, look tickets up (in the caller's transaction)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.errors import InvalidValue, NotFound, OrderNotReturnable
from crm_store.models import (
    OPEN_TICKET_STATUSES,
    Order,
    OrderStatus,
    Ticket,
    TicketPriority,
    TicketStatus,
    TicketType,
    utcnow,
)
from crm_store.normalize import normalize_ticket_number
from crm_store.numbering import placeholder_number, ticket_number_for
from crm_store.services._common import ticket_view, value_of
from crm_store.services.conversations import (
    UNKNOWN_CHANNEL,
    ConversationKey,
    conversation_id_for,
    link_customer,
)
from crm_store.services.customers import as_customer_id, load_customer
from crm_store.services.orders import load_order
from crm_store.services.receipts import earlier_result, keep_receipt
from crm_store.views import TicketView

TICKET_CATEGORIES = ("delivery", "payment", "product", "account", "other")
RETURN_WINDOW = timedelta(days=30)
MAX_DESCRIPTION_CHARS = 5000
SUBJECT_CHARS = 80


def _subject(prefix: str, description: str) -> str:
    first_line = " ".join(description.split())
    if len(first_line) > SUBJECT_CHARS:
        first_line = first_line[: SUBJECT_CHARS - 1].rstrip() + "…"
    return f"{prefix}: {first_line}"


def _check_text(field: str, text: str) -> str:
    value = text.strip() if isinstance(text, str) else ""
    if not value:
        raise InvalidValue(field, "Please describe it in a few words.")
    if len(value) > MAX_DESCRIPTION_CHARS:
        raise InvalidValue(field, f"Please keep it under {MAX_DESCRIPTION_CHARS} characters.")
    return value


async def _conversation_for(
    session: AsyncSession, customer_id: int, origin: ConversationKey | str
) -> tuple[int | None, str]:
    """The conversation a ticket came from (linked to its customer) and its channel."""
    if isinstance(origin, str):
        return None, (origin or UNKNOWN_CHANNEL)[:64]
    conversation_id = await conversation_id_for(session, origin)
    await link_customer(session, conversation_id, customer_id)
    return conversation_id, (origin.channel or UNKNOWN_CHANNEL)[:64]


async def _earlier_ticket(
    session: AsyncSession, customer_id: int, key: str | None
) -> TicketView | None:
    """The ticket a request with this key opened before, if it did."""
    number = await earlier_result(session, key)
    if number is None:
        return None
    ticket = await session.scalar(
        select(Ticket).where(Ticket.ticket_number == number, Ticket.customer_id == customer_id)
    )
    return None if ticket is None else ticket_view(ticket)


async def _file(
    session: AsyncSession, ticket: Ticket, origin: ConversationKey | str, request_key: str | None
) -> TicketView:
    """Store a new `ticket` (status new, priority normal), numbered by its row id."""
    ticket.conversation_id, ticket.channel = await _conversation_for(
        session, ticket.customer_id, origin
    )
    ticket.status, ticket.priority = TicketStatus.new, TicketPriority.normal
    ticket.created_at = ticket.updated_at = utcnow()
    # The number derives from the row id, so concurrent tickets never get the same one.
    ticket.ticket_number = placeholder_number()
    session.add(ticket)
    await session.flush()
    ticket.ticket_number = ticket_number_for(ticket.id)
    await keep_receipt(session, request_key, "ticket", ticket.ticket_number)
    await session.flush()
    return ticket_view(ticket)


async def open_ticket(
    session: AsyncSession,
    customer_id: int,
    category: str,
    description: str,
    origin: ConversationKey | str,
    request_key: str | None = None,
    order_number: str | None = None,
) -> TicketView:
    """A new problem ticket in one of TICKET_CATEGORIES, about one of the customer's orders
    when `order_number` names one (OrderNotFound if it is not theirs).

    `origin` is the conversation it came from, or only a channel's name when there is none. A
    repeated request (same `request_key`) returns the ticket it opened instead of a new one.
    """
    category_key = category.strip().lower() if isinstance(category, str) else ""
    if category_key not in TICKET_CATEGORIES:
        raise InvalidValue("category", f"Choose one of: {', '.join(TICKET_CATEGORIES)}.")
    text = _check_text("description", description)
    customer = await load_customer(session, customer_id)
    earlier = await _earlier_ticket(session, customer.id, request_key)
    if earlier is not None:
        return earlier
    order = await load_order(session, customer.id, order_number) if order_number else None
    subject = _subject(category_key.capitalize(), text)
    ticket = Ticket(customer_id=customer.id, type=TicketType.problem, category=category_key)
    ticket.order_id = order.id if order is not None else None
    ticket.subject, ticket.description = subject, text
    return await _file(session, ticket, origin, request_key)


def why_not_returnable(status: str, delivered_at: datetime | None) -> str | None:
    """Why an order in `status` cannot be returned ("already_returned", "cancelled",
    "not_delivered", "return_window_closed"), or None; an open return request is checked by
    request_return."""
    if status == OrderStatus.returned.value:
        return "already_returned"
    if status == OrderStatus.cancelled.value:
        return "cancelled"
    if status != OrderStatus.delivered.value or delivered_at is None:
        return "not_delivered"
    if utcnow() - delivered_at > RETURN_WINDOW:
        return "return_window_closed"
    return None


async def request_return(
    session: AsyncSession,
    customer_id: int,
    order_number: str,
    reason: str,
    origin: ConversationKey | str,
    request_key: str | None = None,
) -> TicketView:
    """A return ticket for an order delivered within the last 30 days (a repeated request
    returns the ticket it opened).

    OrderNotReturnable.reason is "not_delivered", "already_returned", "cancelled",
    "return_window_closed" or "return_already_requested" (an open return ticket exists for the
    order).
    """
    order = await load_order(session, customer_id, order_number, for_update=True)
    earlier = await _earlier_ticket(session, order.customer_id, request_key)
    if earlier is not None:
        return earlier
    status = value_of(order.status)
    refusal = why_not_returnable(status, order.delivered_at)
    if refusal is not None:
        raise OrderNotReturnable(order.order_number, status, refusal)
    pending = await session.scalar(
        select(Ticket.id).where(
            Ticket.order_id == order.id,
            Ticket.type == TicketType.return_,
            Ticket.status.in_(OPEN_TICKET_STATUSES),
        )
    )
    if pending is not None:
        raise OrderNotReturnable(order.order_number, status, "return_already_requested")
    ticket = Ticket(customer_id=order.customer_id, order_id=order.id, type=TicketType.return_)
    ticket.category, ticket.subject = "product", f"Return request for {order.order_number}"
    ticket.description = _check_text("reason", reason)
    return await _file(session, ticket, origin, request_key)


async def get_ticket(session: AsyncSession, customer_id: int, ticket_number: str) -> TicketView:
    """The customer's ticket; NotFound when malformed, absent or someone else's."""
    number = normalize_ticket_number(ticket_number)
    ticket = None
    if number is not None:
        ticket = await session.scalar(
            select(Ticket).where(
                Ticket.ticket_number == number, Ticket.customer_id == as_customer_id(customer_id)
            )
        )
    if ticket is None:
        raise NotFound(f"No ticket {number or ticket_number} for this customer.")
    return ticket_view(ticket)


async def open_returns(session: AsyncSession, customer_id: int) -> list[tuple[str, str]]:
    """(order number, ticket number) of each return still being worked on, newest first: the
    orders whose refund is still to come."""
    rows = await session.execute(
        select(Order.order_number, Ticket.ticket_number)
        .join(Ticket, Ticket.order_id == Order.id)
        .where(
            Ticket.customer_id == as_customer_id(customer_id),
            Ticket.type == TicketType.return_,
            Ticket.status.in_(OPEN_TICKET_STATUSES),
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
    )
    return [(str(order), str(ticket)) for order, ticket in rows]


async def open_tickets(session: AsyncSession, customer_id: int) -> list[TicketView]:
    """Tickets still being worked on (new, open, pending), newest first."""
    tickets = await session.scalars(
        select(Ticket)
        .where(
            Ticket.customer_id == as_customer_id(customer_id),
            Ticket.status.in_(OPEN_TICKET_STATUSES),
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
    )
    return [ticket_view(ticket) for ticket in tickets]


async def latest_ticket(session: AsyncSession, customer_id: int) -> TicketView | None:
    """The customer's newest ticket, whatever its status."""
    ticket = await session.scalar(
        select(Ticket)
        .where(Ticket.customer_id == as_customer_id(customer_id))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(1)
    )
    return ticket_view(ticket) if ticket is not None else None


async def open_tickets_or_the_latest(
    session: AsyncSession, customer_id: int
) -> tuple[list[TicketView], TicketView | None]:
    """The customer's open tickets; with none open, their newest ticket besides."""
    tickets = await open_tickets(session, customer_id)
    return tickets, None if tickets else await latest_ticket(session, customer_id)
