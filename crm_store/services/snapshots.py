"""The CRM as plain dicts for batch and scoring jobs, and the writers of their results.

The shapes are the JSONL shapes `nlp.records` reads (conversations with turns, customers,
orders with items, feedback, tickets), so the NLP layer never sees a session or an ORM row.
Ids are strings there; times are aware datetimes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
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
    utcnow,
)

SPEAKER_OF = {Direction.user: "customer", Direction.bot: "assistant", Direction.agent: "agent"}
FALLBACK_INTENT = "nlu_fallback"
# Said by the customer as the last thing before a conversation that ended well.
_CLOSING_INTENTS = ("goodbye", "thank", "thanks", "affirm_done", "rate")
MAX_TOPIC_CHARS = 100


def _outcome(status: ConversationStatus, last_intent: str | None, rated: bool) -> str:
    if status in (ConversationStatus.handoff, ConversationStatus.agent):
        return "handoff"
    if status is ConversationStatus.resolved or rated:
        return "resolved"
    if last_intent is not None and last_intent.startswith(_CLOSING_INTENTS):
        return "resolved"
    return "abandoned"


async def conversation_snapshots(
    session: AsyncSession, conversation_ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Conversations with their turns in order; all of them unless ids are given."""
    statement = select(Conversation).order_by(Conversation.id)
    if conversation_ids is not None:
        if not conversation_ids:
            return []
        statement = statement.where(Conversation.id.in_(list(conversation_ids)))
    conversations = list(await session.scalars(statement))
    ids = [conversation.id for conversation in conversations]
    turns: dict[int, list[dict[str, Any]]] = defaultdict(list)
    last_intent: dict[int, str | None] = {}
    fallbacks: dict[int, int] = defaultdict(int)
    records = await session.execute(
        select(
            CommunicationRecord.conversation_id,
            CommunicationRecord.direction,
            CommunicationRecord.text,
            CommunicationRecord.intent,
            CommunicationRecord.confidence,
        )
        .where(CommunicationRecord.conversation_id.in_(ids))
        .order_by(CommunicationRecord.sent_at, CommunicationRecord.id)
    )
    for row in records:
        turns[row.conversation_id].append(
            {
                "speaker": SPEAKER_OF[row.direction],
                "text": row.text,
                "intent": row.intent,
                "confidence": row.confidence,
            }
        )
        if row.direction is Direction.user:
            last_intent[row.conversation_id] = row.intent
            fallbacks[row.conversation_id] += row.intent == FALLBACK_INTENT
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
            "turns": turns[conversation.id],
            "customer_id": None
            if conversation.customer_id is None
            else str(conversation.customer_id),
            "handoff": conversation.handoff_reason is not None
            or conversation.status in (ConversationStatus.handoff, ConversationStatus.agent),
            "fallbacks": fallbacks[conversation.id],
            "outcome": _outcome(
                conversation.status,
                last_intent.get(conversation.id),
                ratings.get(conversation.id) is not None,
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


async def ticket_snapshots(session: AsyncSession) -> list[dict[str, Any]]:
    """Tickets as subject and description text, the category agents gave them, and how long
    a resolved one took."""
    rows = await session.execute(
        select(
            Ticket.ticket_number,
            Ticket.subject,
            Ticket.description,
            Ticket.category,
            Ticket.customer_id,
            Ticket.created_at,
            Ticket.resolved_at,
        ).order_by(Ticket.id)
    )
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


async def conversations_to_end(
    session: AsyncSession, idle_since: datetime, limit: int = 100
) -> list[int]:
    """Open conversations with messages but none since `idle_since`, oldest first."""
    ids = await session.scalars(
        select(Conversation.id)
        .where(
            Conversation.ended_at.is_(None),
            Conversation.last_message_at.is_not(None),
            Conversation.last_message_at < idle_since,
        )
        .order_by(Conversation.last_message_at)
        .limit(limit)
    )
    return list(ids)


async def conversations_said_goodbye(session: AsyncSession, limit: int = 100) -> list[int]:
    """Open conversations whose latest bot message is the goodbye: they ended just now."""
    newest = (
        select(
            CommunicationRecord.conversation_id,
            func.max(CommunicationRecord.sent_at).label("sent_at"),
        )
        .join(Conversation, Conversation.id == CommunicationRecord.conversation_id)
        # Only open conversations: ended ones are most of the log and never due again.
        .where(Conversation.ended_at.is_(None), CommunicationRecord.direction == Direction.bot)
        .group_by(CommunicationRecord.conversation_id)
        .subquery()
    )
    rows = await session.execute(
        select(CommunicationRecord.conversation_id, CommunicationRecord.extra)
        .join(
            newest,
            and_(
                CommunicationRecord.conversation_id == newest.c.conversation_id,
                CommunicationRecord.sent_at == newest.c.sent_at,
            ),
        )
        .join(Conversation, Conversation.id == CommunicationRecord.conversation_id)
        .where(Conversation.ended_at.is_(None), CommunicationRecord.direction == Direction.bot)
    )
    last_bot = {row.conversation_id: row.extra for row in rows}
    ended = [
        conversation_id
        for conversation_id, extra in last_bot.items()
        if isinstance(extra, dict) and extra.get("utter_action") == "utter_goodbye"
    ]
    return ended[:limit]


async def save_conversation_scores(
    session: AsyncSession,
    conversation_id: int,
    topic: str | None,
    satisfaction: float | None,
    ended_at: datetime | None = None,
) -> None:
    """Mark the conversation ended and keep its dominant topic and predicted satisfaction."""
    await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(
            topic=topic[:MAX_TOPIC_CHARS] if topic else None,
            satisfaction=satisfaction,
            ended_at=ended_at or utcnow(),
        )
    )


async def records_without_sentiment(
    session: AsyncSession, limit: int = 500
) -> list[tuple[int, str]]:
    """Customer messages not scored yet (logged by `reconcile`, or while scoring failed)."""
    rows = await session.execute(
        select(CommunicationRecord.id, CommunicationRecord.text)
        .where(
            CommunicationRecord.direction == Direction.user,
            CommunicationRecord.sentiment.is_(None),
        )
        .order_by(CommunicationRecord.id)
        .limit(limit)
    )
    return [(row.id, row.text) for row in rows]


async def save_sentiments(session: AsyncSession, scores: dict[int, float]) -> None:
    for record_id, score in scores.items():
        await session.execute(
            update(CommunicationRecord)
            .where(CommunicationRecord.id == record_id)
            .values(sentiment=score)
        )


async def all_snapshots(session: AsyncSession) -> dict[str, list[dict[str, Any]]]:
    """Everything a batch job reads, keyed like nlp's RecordSet."""
    return {
        "conversations": await conversation_snapshots(session),
        "customers": await customer_snapshots(session),
        "orders": await order_snapshots(session),
        "feedback": await feedback_snapshots(session),
        "tickets": await ticket_snapshots(session),
    }
