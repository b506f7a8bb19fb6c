"""Administrative operations on the CRM: counts, and a customer's GDPR export and erasure.

Like the services, these work inside the caller's transaction (see crm_store.services).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm_store.errors import NotFound
from crm_store.models import (
    Base,
    CommunicationRecord,
    Conversation,
    Customer,
    Direction,
    Feedback,
    Note,
    Order,
    OrderItem,
    QuarantinedEvent,
    Ticket,
    utcnow,
)
from crm_store.normalize import normalize_customer_number
from crm_store.services.messages import REDACTED
from crm_store.views import plain

ERASED_NAME = "[erased]"


async def collect_stats(session: AsyncSession) -> dict[str, Any]:
    """The counts `python -m crm_store stats` prints (and the integration tests read)."""

    async def count(model: type[Base]) -> int:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    by_direction = dict(
        (
            await session.execute(
                select(CommunicationRecord.direction, func.count()).group_by(
                    CommunicationRecord.direction
                )
            )
        ).all()
    )
    return {
        "customers": await count(Customer),
        "orders": await count(Order),
        "tickets": await count(Ticket),
        "conversations": await count(Conversation),
        "feedback": await count(Feedback),
        "records": {d.value: int(by_direction.get(d, 0)) for d in Direction},
        # Tracker events the exchange log set aside (unreadable or refused): see the logs.
        "quarantined": await count(QuarantinedEvent),
    }


async def resolve_customer(session: AsyncSession, reference: str) -> Customer:
    """The customer a CLI argument names: a customer number like C10001, or the numeric id."""
    text = reference.strip()
    number = normalize_customer_number(text)
    if number is not None:
        customer = await session.scalar(select(Customer).where(Customer.customer_number == number))
    elif text.isdigit():
        customer = await session.get(Customer, int(text))
    else:
        raise NotFound(f"{reference!r} is neither a customer number (like C10001) nor an id.")
    if customer is None:
        raise NotFound(f"No customer {reference}.")
    return customer


def as_dict(row: Base, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The row's columns as JSON-ready values (ISO datetimes, decimal strings, enum values)."""
    return {
        attribute.key: plain(getattr(row, attribute.key))
        for attribute in inspect(row).mapper.column_attrs
        if attribute.key not in exclude
    }


async def _conversation_ids(session: AsyncSession, customer_id: int) -> list[int]:
    linked = select(Conversation.id).where(Conversation.customer_id == customer_id)
    via_records = select(CommunicationRecord.conversation_id).where(
        CommunicationRecord.customer_id == customer_id
    )
    return sorted(set((await session.scalars(linked.union(via_records))).all()))


async def _orders_of(session: AsyncSession, customer_id: int) -> list[dict[str, Any]]:
    orders = await session.scalars(
        select(Order)
        .where(Order.customer_id == customer_id)
        .options(selectinload(Order.items).selectinload(OrderItem.product))
        .order_by(Order.placed_at, Order.id)
    )
    return [
        {
            **as_dict(order),
            "items": [
                {
                    "sku": item.product.sku,
                    "name": item.product.name,
                    "quantity": item.quantity,
                    "unit_price": plain(item.unit_price),
                }
                for item in order.items
            ],
        }
        for order in orders
    ]


async def _conversations_of(
    session: AsyncSession, conversation_ids: list[int]
) -> list[dict[str, Any]]:
    conversations = await session.scalars(
        select(Conversation)
        .where(Conversation.id.in_(conversation_ids))
        .options(selectinload(Conversation.records), selectinload(Conversation.feedback))
        .order_by(Conversation.started_at, Conversation.id)
    )
    return [
        {**as_dict(conversation), "records": [as_dict(r) for r in conversation.records]}
        for conversation in conversations
    ]


async def _rows(session: AsyncSession, statement: Any) -> list[dict[str, Any]]:
    return [as_dict(row) for row in await session.scalars(statement)]


async def export_customer(session: AsyncSession, customer_id: int) -> dict[str, Any]:
    """Everything the CRM holds about a customer (GDPR art. 15), as JSON-ready values."""
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"No customer {customer_id}.")
    conversation_ids = await _conversation_ids(session, customer_id)
    theirs = or_(
        Feedback.customer_id == customer_id, Feedback.conversation_id.in_(conversation_ids)
    )
    return {
        "customer": as_dict(customer),
        "orders": await _orders_of(session, customer_id),
        "tickets": await _rows(
            session, select(Ticket).where(Ticket.customer_id == customer_id).order_by(Ticket.id)
        ),
        "conversations": await _conversations_of(session, conversation_ids),
        "feedback": await _rows(session, select(Feedback).where(theirs).order_by(Feedback.id)),
        "notes": await _rows(
            session, select(Note).where(Note.customer_id == customer_id).order_by(Note.id)
        ),
    }


@dataclass(frozen=True)
class ErasureReport:
    customer_number: str
    customer_id: int
    already_erased: bool
    records: int = 0
    feedback_comments: int = 0
    tickets: int = 0
    notes: int = 0
    handoff_reasons: int = 0
    orders_kept: int = 0
    # The Rasa conversations (sender ids) whose tracker events the caller must redact too.
    sender_ids: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.already_erased:
            return f"Customer {self.customer_number} (id {self.customer_id}) was already erased."
        return (
            f"Erased customer {self.customer_number} (id {self.customer_id}): name, email, phone, "
            f"address and external id anonymised; redacted {self.records} communication records, "
            f"{self.feedback_comments} feedback comments, {self.tickets} ticket texts and "
            f"{self.notes} notes and {self.handoff_reasons} handoff reasons; kept "
            f"{self.orders_kept} orders for accounting."
        )


def _anonymise(customer: Customer) -> None:
    customer.first_name = customer.last_name = ERASED_NAME
    # Unique and NOT NULL, so a placeholder in the reserved .invalid domain nobody can own.
    customer.email = f"erased-{customer.id}@erased.invalid"
    customer.phone = customer.street = customer.postcode = customer.city = None
    customer.external_id = None
    # The analytics job's profile of them (churn risk, lifetime value) goes with the rest.
    customer.churn_risk = customer.lifetime_value = customer.analytics_at = None
    customer.erased_at = utcnow()


async def _redact_texts(
    session: AsyncSession, customer_id: int, conversation_ids: list[int]
) -> dict[str, int]:
    """Replace everything the customer wrote, or others wrote about them; counts by kind."""
    in_their_conversations = CommunicationRecord.conversation_id.in_(conversation_ids)
    statements = {
        "records": update(CommunicationRecord)
        .where(or_(CommunicationRecord.customer_id == customer_id, in_their_conversations))
        .values(text=REDACTED, entities=[], extra={}),
        "feedback_comments": update(Feedback)
        .where(
            or_(
                Feedback.customer_id == customer_id, Feedback.conversation_id.in_(conversation_ids)
            ),
            Feedback.comment.is_not(None),
        )
        .values(comment=REDACTED),
        "tickets": update(Ticket)
        .where(Ticket.customer_id == customer_id)
        .values(subject=REDACTED, description=REDACTED),
        "notes": update(Note)
        .where(or_(Note.customer_id == customer_id, Note.conversation_id.in_(conversation_ids)))
        .values(body=REDACTED),
        # The handoff reason quotes the customer's own words.
        "handoff_reasons": update(Conversation)
        .where(Conversation.id.in_(conversation_ids), Conversation.handoff_reason.is_not(None))
        .values(handoff_reason=REDACTED),
    }
    return {
        kind: (await session.execute(statement)).rowcount for kind, statement in statements.items()
    }


async def erase_customer(session: AsyncSession, customer_id: int) -> ErasureReport:
    """GDPR erasure (art. 17): anonymise the person, redact what they wrote, keep the orders.

    Records keep their source keys, so replaying the tracker store never brings the texts
    back; the report names the conversations (sender ids) whose tracker events the caller
    redacts too (`python -m kefu erase-customer` does both).
    """
    customer = await session.scalar(
        select(Customer).where(Customer.id == customer_id).with_for_update()
    )
    if customer is None:
        raise NotFound(f"No customer {customer_id}.")
    number = customer.customer_number
    conversation_ids = await _conversation_ids(session, customer.id)
    senders = tuple(
        sorted(
            set(
                await session.scalars(
                    select(Conversation.sender_id).where(Conversation.id.in_(conversation_ids))
                )
            )
        )
    )
    if customer.erased_at is not None:
        return ErasureReport(number, customer.id, already_erased=True, sender_ids=senders)
    _anonymise(customer)
    redacted = await _redact_texts(session, customer.id, conversation_ids)
    orders = await session.scalar(
        select(func.count()).select_from(Order).where(Order.customer_id == customer.id)
    )
    await session.flush()
    return ErasureReport(
        number,
        customer.id,
        already_erased=False,
        orders_kept=int(orders or 0),
        sender_ids=senders,
        **redacted,
    )


@dataclass(frozen=True)
class RetentionReport:
    conversations: int
    records: int
    # Their Rasa conversations, whose older tracker events the caller deletes too.
    sender_ids: tuple[str, ...]


async def anonymise_conversations_before(
    session: AsyncSession, cutoff: datetime
) -> RetentionReport:
    """Retention: redact every conversation whose last message (or start) is before `cutoff`:
    its records' texts, its handoff reason, its feedback comment and its notes."""
    last = func.coalesce(Conversation.last_message_at, Conversation.started_at)
    old = list(
        await session.execute(select(Conversation.id, Conversation.sender_id).where(last < cutoff))
    )
    ids = [row.id for row in old]
    if not ids:
        return RetentionReport(0, 0, ())
    records = await session.execute(
        update(CommunicationRecord)
        .where(CommunicationRecord.conversation_id.in_(ids), CommunicationRecord.text != REDACTED)
        .values(text=REDACTED, entities=[], extra={})
    )
    await session.execute(
        update(Conversation)
        .where(Conversation.id.in_(ids), Conversation.handoff_reason.is_not(None))
        .values(handoff_reason=REDACTED)
    )
    await session.execute(
        update(Feedback)
        .where(Feedback.conversation_id.in_(ids), Feedback.comment.is_not(None))
        .values(comment=REDACTED)
    )
    await session.execute(update(Note).where(Note.conversation_id.in_(ids)).values(body=REDACTED))
    return RetentionReport(
        len(ids), records.rowcount, tuple(sorted({row.sender_id for row in old}))
    )
