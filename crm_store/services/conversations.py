"""Conversation services: the CRM side of a Rasa session, its handoff and its feedback.

A conversation is keyed by (sender_id, session_started_at) — Rasa's sender id and the timestamp
of the session's `session_started` event (0.0 before any) — so the action server, the exchange
logger and the console all find the same row without sharing state. Works inside the caller's
transaction (see crm_store.services).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.errors import AlreadyRated, InvalidValue
from crm_store.models import Conversation, ConversationStatus, Customer, Feedback, utcnow
from crm_store.services._common import insert_ignoring_conflicts

MAX_SENDER_CHARS = 255
MAX_COMMENT_CHARS = 5000
UNKNOWN_CHANNEL = "unknown"


@dataclass(frozen=True)
class ConversationKey:
    """How the CRM finds a conversation: Rasa's sender id and the start of its session, and the
    channel it came in on (for a conversation not seen before)."""

    sender_id: str
    session_started_at: float
    channel: str = UNKNOWN_CHANNEL


def session_start_time(session_started_at: float) -> datetime:
    """When the session started, as a UTC datetime (now for the 0.0 "before any session" key)."""
    if session_started_at and math.isfinite(session_started_at) and session_started_at > 0:
        return datetime.fromtimestamp(session_started_at, timezone.utc)
    return utcnow()


def _check_key(sender_id: str, session_started_at: float) -> float:
    if not isinstance(sender_id, str) or not sender_id or len(sender_id) > MAX_SENDER_CHARS:
        raise InvalidValue("sender_id", f"must be 1 to {MAX_SENDER_CHARS} characters")
    try:
        started = float(session_started_at or 0.0)
    except (TypeError, ValueError):
        raise InvalidValue("session_started_at", "must be a timestamp") from None
    if not math.isfinite(started):
        raise InvalidValue("session_started_at", "must be a finite timestamp")
    return started


async def get_or_create_conversation(
    session: AsyncSession, sender_id: str, session_started_at: float, channel: str
) -> int:
    """The conversation id for this Rasa session, created if needed.

    Race-safe: two processes creating the same conversation at once both end up with the one
    row (INSERT … ON CONFLICT DO NOTHING on the unique key, then SELECT).
    """
    started = _check_key(sender_id, session_started_at)
    channel = (channel or UNKNOWN_CHANNEL)[:64]
    key = (Conversation.sender_id == sender_id, Conversation.session_started_at == started)
    found = (
        await session.execute(select(Conversation.id, Conversation.channel).where(*key))
    ).first()
    if found is None:
        created = await create_conversation(session, sender_id, started, channel)
        if created is not None:
            return created
        found = (
            await session.execute(select(Conversation.id, Conversation.channel).where(*key))
        ).one()
    conversation_id, known_channel = found
    if known_channel == UNKNOWN_CHANNEL and channel != UNKNOWN_CHANNEL:
        # The exchange logger creates it from a session_started event, which has no channel.
        await session.execute(
            update(Conversation).where(Conversation.id == conversation_id).values(channel=channel)
        )
    return int(conversation_id)


async def create_conversation(
    session: AsyncSession, sender_id: str, session_started_at: float, channel: str
) -> int | None:
    """Create the conversation of this Rasa session; its id, or None when it exists already
    (created by another process since the caller looked)."""
    started = _check_key(sender_id, session_started_at)
    return await session.scalar(
        insert_ignoring_conflicts(session, Conversation)
        .values(
            sender_id=sender_id,
            session_started_at=started,
            channel=(channel or UNKNOWN_CHANNEL)[:64],
            status=ConversationStatus.bot,
            tags=[],
            started_at=session_start_time(started),
        )
        .returning(Conversation.id)
    )


async def link_customer(session: AsyncSession, conversation_id: int, customer_id: int) -> bool:
    """Record who the customer is, unless the conversation already names one; whether it did."""
    result = await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.customer_id.is_(None))
        .values(customer_id=customer_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def conversation_id_for(session: AsyncSession, key: ConversationKey) -> int:
    return await get_or_create_conversation(
        session, key.sender_id, key.session_started_at, key.channel
    )


async def mark_handoff(session: AsyncSession, key: ConversationKey, reason: str) -> None:
    """Hand the conversation to the agents (status "handoff") and say why."""
    conversation_id = await conversation_id_for(session, key)
    # A conversation already with an agent stays theirs; one handed back or resolved before
    # queues again, from now, without its last agent.
    await session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_id,
            Conversation.status.in_((ConversationStatus.bot, ConversationStatus.resolved)),
        )
        .values(
            status=ConversationStatus.handoff,
            handoff_reason=(reason or "").strip() or None,
            handoff_at=utcnow(),
            assignee_id=None,
            taken_at=None,
            first_agent_reply_at=None,
        )
    )


def _check_csat(csat: int) -> int:
    # The rating slot is a float; 4.0 is a fine 4, 4.5 and True are not ratings.
    if isinstance(csat, bool) or not isinstance(csat, (int, float)):
        raise InvalidValue("csat", "The rating must be a whole number from 1 to 5.")
    if isinstance(csat, float) and not csat.is_integer():
        raise InvalidValue("csat", "The rating must be a whole number from 1 to 5.")
    if not 1 <= csat <= 5:
        raise InvalidValue("csat", "The rating must be a whole number from 1 to 5.")
    return int(csat)


async def save_feedback(
    session: AsyncSession,
    key: ConversationKey,
    csat: int,
    comment: str | None,
    customer_id: int | None,
) -> None:
    """Store the conversation's one CSAT rating; AlreadyRated if it has one."""
    rating = _check_csat(csat)
    text = (comment or "").strip() or None
    if text is not None and len(text) > MAX_COMMENT_CHARS:
        raise InvalidValue("comment", f"A comment can be at most {MAX_COMMENT_CHARS} characters.")
    conversation_id = await conversation_id_for(session, key)
    known_customer: int | None = None
    if customer_id is not None:
        try:
            known_customer = await session.scalar(
                select(Customer.id).where(Customer.id == int(customer_id))
            )
        except (TypeError, ValueError):
            known_customer = None
    # The unique index on conversation_id decides, so two racing ratings cannot both land.
    inserted = await session.scalar(
        insert_ignoring_conflicts(session, Feedback)
        .values(
            conversation_id=conversation_id,
            customer_id=known_customer,
            csat=rating,
            comment=text,
            created_at=utcnow(),
        )
        .returning(Feedback.id)
    )
    if inserted is None:
        raise AlreadyRated("This conversation has already been rated.")
    if known_customer is not None:
        await link_customer(session, conversation_id, known_customer)
