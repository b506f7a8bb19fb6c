"""The conversation scorer's work queue: conversations that ended, messages not scored yet.

Which bot response ends a conversation is the caller's knowledge (the scorer passes it in); the
CRM only keeps each bot message's response name in its record's `extra`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.models import CommunicationRecord, Conversation, Direction, utcnow

MAX_TOPIC_CHARS = 100


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


async def conversations_ended_by(
    session: AsyncSession, closing_responses: Collection[str], limit: int = 100
) -> list[int]:
    """Open conversations whose latest bot message is one of `closing_responses` (a goodbye):
    they ended just now."""
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
        if isinstance(extra, dict) and extra.get("utter_action") in closing_responses
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
