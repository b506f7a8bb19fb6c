"""The CRM as plain dicts for batch and scoring jobs (their work queue: services/scoring.py).

The shapes are the JSONL shapes `nlp.records` reads (conversations with turns, customers,
orders with items, feedback, tickets), so the NLP layer never sees a session or an ORM row.
Ids are strings there; times are aware datetimes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.models import (
    CommunicationRecord,
    Conversation,
    ConversationStatus,
    Customer,
    Direction,
    Feedback,
    Order,
    OrderItem,
    Ticket,
)
from crm_store.services._common import records_of

SPEAKER_OF = {Direction.user: "customer", Direction.bot: "assistant", Direction.agent: "agent"}


@dataclass(frozen=True)
class ConversationSignals:
    """What the bot's intents mean for a snapshot's fallback count and outcome.

    The CRM only stores intent names; the caller that knows the bot says which of them mean
    "NLU could not tell" and which, said last, mean the customer left satisfied.
    """

    fallback_intents: frozenset[str] = frozenset()
    closing_intents: tuple[str, ...] = ()


@dataclass
class _Turns:
    """A conversation's turns in order, its customer's last intent and its fallbacks."""

    turns: list[dict[str, Any]] = field(default_factory=list)
    last_intent: str | None = None
    fallbacks: int = 0


def _outcome(
    status: ConversationStatus, last_intent: str | None, rated: bool, signals: ConversationSignals
) -> str:
    if status in (ConversationStatus.handoff, ConversationStatus.agent):
        return "handoff"
    if status is ConversationStatus.resolved or rated:
        return "resolved"
    closing = signals.closing_intents
    if last_intent is not None and closing and last_intent.startswith(closing):
        return "resolved"
    return "abandoned"


async def _turns(
    session: AsyncSession, ids: list[int], signals: ConversationSignals
) -> dict[int, _Turns]:
    found: dict[int, _Turns] = defaultdict(_Turns)
    records = await session.execute(
        records_of(
            ids,
            CommunicationRecord.direction,
            CommunicationRecord.text,
            CommunicationRecord.intent,
            CommunicationRecord.confidence,
        )
    )
    for row in records:
        turns = found[row.conversation_id]
        turns.turns.append(
            {
                "speaker": SPEAKER_OF[row.direction],
                "text": row.text,
                "intent": row.intent,
                "confidence": row.confidence,
            }
        )
        if row.direction is Direction.user:
            turns.last_intent = row.intent
            turns.fallbacks += row.intent in signals.fallback_intents
    return found


async def conversation_snapshots(
    session: AsyncSession,
    conversation_ids: Sequence[int] | None = None,
    signals: ConversationSignals | None = None,
) -> list[dict[str, Any]]:
    """Conversations with their turns in order; all of them unless ids are given."""
    signals = signals or ConversationSignals()
    statement = select(Conversation).order_by(Conversation.id)
    if conversation_ids is not None:
        if not conversation_ids:
            return []
        statement = statement.where(Conversation.id.in_(list(conversation_ids)))
    conversations = list(await session.scalars(statement))
    ids = [conversation.id for conversation in conversations]
    turns = await _turns(session, ids, signals)
    ratings = dict(
        (
            await session.execute(
                select(Feedback.conversation_id, Feedback.csat).where(
                    Feedback.conversation_id.in_(ids)
                )
            )
        ).all()
    )
    return [
        {
            "id": str(conversation.id),
            "turns": turns[conversation.id].turns,
            "customer_id": None
            if conversation.customer_id is None
            else str(conversation.customer_id),
            "handoff": conversation.handoff_reason is not None
            or conversation.status in (ConversationStatus.handoff, ConversationStatus.agent),
            "fallbacks": turns[conversation.id].fallbacks,
            "outcome": _outcome(
                conversation.status,
                turns[conversation.id].last_intent,
                ratings.get(conversation.id) is not None,
                signals,
            ),
            "csat": ratings.get(conversation.id),
            "started_at": conversation.started_at,
            "labels": {"channel": conversation.channel},
        }
        for conversation in conversations
    ]


async def customer_snapshots(session: AsyncSession) -> list[dict[str, Any]]:
    """Customers not erased, with their sign-up time and segment."""
    rows = await session.execute(
        select(Customer.id, Customer.created_at, Customer.segment)
        .where(Customer.erased_at.is_(None))
        .order_by(Customer.id)
    )
    return [
        {"id": str(row.id), "created_at": row.created_at, "segment": row.segment} for row in rows
    ]


async def order_snapshots(session: AsyncSession) -> list[dict[str, Any]]:
    """Every order with its items (product id, quantity, unit price)."""
    items: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in await session.execute(
        select(
            OrderItem.order_id, OrderItem.product_id, OrderItem.quantity, OrderItem.unit_price
        ).order_by(OrderItem.id)
    ):
        items[row.order_id].append(
            {
                "product_id": str(row.product_id),
                "quantity": row.quantity,
                "price": float(row.unit_price),
            }
        )
    rows = await session.execute(
        select(Order.id, Order.customer_id, Order.placed_at, Order.total, Order.status).order_by(
            Order.id
        )
    )
    return [
        {
            "id": str(row.id),
            "customer_id": str(row.customer_id),
            "created_at": row.placed_at,
            "amount": float(row.total),
            "status": row.status.value,
            "items": items[row.id],
        }
        for row in rows
    ]


async def feedback_snapshots(session: AsyncSession) -> list[dict[str, Any]]:
    rows = await session.execute(select(Feedback).order_by(Feedback.id))
    return [
        {
            "id": str(feedback.id),
            "customer_id": None if feedback.customer_id is None else str(feedback.customer_id),
            "conversation_id": str(feedback.conversation_id),
            "csat": feedback.csat,
            "nps": feedback.nps,
            "comment": feedback.comment or "",
            "created_at": feedback.created_at,
        }
        for feedback in rows.scalars()
    ]


async def ticket_snapshots(
    session: AsyncSession, include_erased: bool = True
) -> list[dict[str, Any]]:
    """Tickets as subject and description text, the category agents gave them, and how long
    a resolved one took; without erased customers' tickets when `include_erased` is False."""
    query = select(
        Ticket.ticket_number,
        Ticket.subject,
        Ticket.description,
        Ticket.category,
        Ticket.customer_id,
        Ticket.created_at,
        Ticket.resolved_at,
    ).order_by(Ticket.id)
    if not include_erased:
        query = query.outerjoin(Customer, Customer.id == Ticket.customer_id).where(
            Customer.erased_at.is_(None)
        )
    rows = await session.execute(query)
    return [
        {
            "id": row.ticket_number,
            "text": f"{row.subject}\n{row.description}",
            "category": row.category,
            "customer_id": str(row.customer_id),
            "created_at": row.created_at,
            "resolution_hours": None
            if row.resolved_at is None
            else max(0.0, (row.resolved_at - row.created_at).total_seconds() / 3600),
        }
        for row in rows
    ]


async def erasure_count(session: AsyncSession) -> int:
    """How many customers were erased so far: it only grows, so a change means a new one."""
    count = await session.scalar(
        select(func.count()).select_from(Customer).where(Customer.erased_at.is_not(None))
    )
    return int(count or 0)


async def erased_ticket_numbers(session: AsyncSession) -> list[str]:
    """The tickets of erased customers: what no index of past cases may keep."""
    rows = await session.scalars(
        select(Ticket.ticket_number)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Customer.erased_at.is_not(None))
        .order_by(Ticket.id)
    )
    return list(rows)


async def all_snapshots(
    session: AsyncSession, signals: ConversationSignals | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Everything a batch job reads, keyed like nlp's RecordSet."""
    return {
        "conversations": await conversation_snapshots(session, signals=signals),
        "customers": await customer_snapshots(session),
        "orders": await order_snapshots(session),
        "feedback": await feedback_snapshots(session),
        "tickets": await ticket_snapshots(session),
    }
