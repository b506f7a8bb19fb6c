"""The exchange log's CRM side: communication records written once, and the agents' messages.

The exchange logger (kefu.workers.tracker_events) decides what a message is; these functions
store it. Every record carries a `source_key` unique in the table, so writing the same message
twice adds nothing: that is what lets the logger replay its source after any failure.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.errors import InvalidValue, NotFound
from crm_store.models import (
    AgentUser,
    CommunicationRecord,
    Conversation,
    Customer,
    Direction,
    QuarantinedEvent,
    utcnow,
)
from crm_store.services._common import insert_ignoring_conflicts
from crm_store.services.conversations import UNKNOWN_CHANNEL

MAX_AGENT_MESSAGE_CHARS = 5000
MAX_CHANNEL_CHARS = 64
MAX_INTENT_CHARS = 100
_INSERT_CHUNK = 200


# What an erased customer's messages become, now and whenever more of them arrive.
REDACTED = "[redacted]"


@dataclass(frozen=True)
class ConversationRef:
    """What logging a message needs to know of its conversation."""

    id: int
    channel: str
    customer_id: int | None
    # The customer asked to be forgotten: their texts are redacted as they are logged.
    erased: bool = False


@dataclass(frozen=True)
class NewRecord:
    """One message to log; `source_key` identifies it, so a second write of it adds nothing."""

    conversation_id: int
    customer_id: int | None
    channel: str
    direction: Direction
    text: str
    sent_at: datetime
    source_key: str
    intent: str | None = None
    confidence: float | None = None
    entities: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    sentiment: float | None = None
    agent_id: int | None = None

    def storable(self) -> bool:
        """Whether every text in the record can be stored (no lone surrogates)."""
        try:
            json.dumps(asdict(self), default=str, ensure_ascii=False).encode("utf-8")
        except (UnicodeEncodeError, TypeError, ValueError):
            return False
        return True

    def row(self) -> dict[str, Any]:
        row = asdict(self)
        row["channel"] = (self.channel or UNKNOWN_CHANNEL)[:MAX_CHANNEL_CHARS]
        row["intent"] = self.intent[:MAX_INTENT_CHARS] if self.intent else None
        return row


async def conversation_ref(session: AsyncSession, conversation_id: int) -> ConversationRef:
    row = (
        await session.execute(
            select(Conversation.channel, Conversation.customer_id, Customer.erased_at)
            .outerjoin(Customer, Customer.id == Conversation.customer_id)
            .where(Conversation.id == conversation_id)
        )
    ).one()
    return ConversationRef(
        conversation_id, row.channel, row.customer_id, erased=row.erased_at is not None
    )


async def latest_session_before(
    session: AsyncSession, sender_id: str, timestamp: float
) -> int | None:
    """The sender's conversation whose session started last at or before `timestamp`."""
    return await session.scalar(
        select(Conversation.id)
        .where(Conversation.sender_id == sender_id, Conversation.session_started_at <= timestamp)
        .order_by(Conversation.session_started_at.desc())
        .limit(1)
    )


async def set_channel(session: AsyncSession, conversation_id: int, channel: str) -> None:
    await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(channel=channel[:MAX_CHANNEL_CHARS])
    )


async def row_exists(session: AsyncSession, model: Any, ident: int) -> bool:
    """Whether `model` (a mapped class with an `id`) has a row `ident`."""
    return await session.scalar(select(model.id).where(model.id == ident)) is not None


async def insert_records(session: AsyncSession, records: list[NewRecord]) -> int:
    """Insert the records not logged yet; returns how many were new."""
    added = 0
    rows = [record.row() for record in records]
    # One statement with the rows as parameters ("insertmanyvalues"): compiled once and cached,
    # where rows written into the statement made a new one, compiled anew, for every batch.
    statement = insert_ignoring_conflicts(session, CommunicationRecord).returning(
        CommunicationRecord.id
    )
    for start in range(0, len(rows), _INSERT_CHUNK):
        result = await session.execute(statement, rows[start : start + _INSERT_CHUNK])
        added += len(result.all())
    return added


async def quarantine(
    session: AsyncSession, source: str, event_id: int, sender_id: str, reason: str
) -> None:
    """Set an event aside: it is counted and reported, and the log goes on without it."""
    await session.execute(
        insert_ignoring_conflicts(session, QuarantinedEvent).values(
            source=source,
            event_id=event_id,
            sender_id=sender_id.encode("utf-8", "replace").decode("utf-8")[:255],
            reason=reason[:200],
        )
    )


async def mark_undelivered(
    session: AsyncSession, conversation_id: int, texts: list[str], before: datetime
) -> None:
    """Mark the conversation's latest bot records with these texts (sent before `before`) as
    not delivered: the customer had been answered "this is taking longer" instead."""
    for text in texts:
        record = await session.scalar(
            select(CommunicationRecord)
            .where(
                CommunicationRecord.conversation_id == conversation_id,
                CommunicationRecord.direction == Direction.bot,
                CommunicationRecord.text == text,
                CommunicationRecord.sent_at <= before,
            )
            .order_by(CommunicationRecord.sent_at.desc(), CommunicationRecord.id.desc())
            .limit(1)
        )
        if record is not None:
            record.extra = {**(record.extra or {}), "undelivered": True}


async def attach_records_to_customer(session: AsyncSession, conversation_id: int) -> None:
    """Give the conversation's customer to its records logged before anyone knew who it was."""
    conversation_customer = select(Conversation.customer_id).where(
        Conversation.id == conversation_id
    )
    await session.execute(
        update(CommunicationRecord)
        .where(
            CommunicationRecord.conversation_id == conversation_id,
            CommunicationRecord.customer_id.is_(None),
        )
        .values(customer_id=conversation_customer.scalar_subquery())
    )


async def touch_last_message(
    session: AsyncSession, conversation_id: int, sent_at: datetime
) -> None:
    """Move the conversation's last_message_at forward to `sent_at` (never back)."""
    await session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_id,
            or_(Conversation.last_message_at.is_(None), Conversation.last_message_at < sent_at),
        )
        .values(last_message_at=sent_at)
    )


async def record_agent_message(
    session: AsyncSession, conversation_id: int, agent_id: int | None, text: str
) -> int:
    """Log a message an agent sent into the conversation; returns the record id.

    Use this when the console delivers the message itself. A message injected into Rasa's
    tracker as a bot event with metadata {"kefu_agent_id": id} is logged by the exchange logger
    instead — do one or the other, not both.
    """
    body = text.strip() if isinstance(text, str) else ""
    if not body:
        raise InvalidValue("text", "An empty message cannot be sent.")
    if len(body) > MAX_AGENT_MESSAGE_CHARS:
        raise InvalidValue("text", f"Keep messages under {MAX_AGENT_MESSAGE_CHARS} characters.")
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound(f"No conversation {conversation_id}.")
    if agent_id is not None and await session.get(AgentUser, agent_id) is None:
        raise NotFound(f"No agent user {agent_id}.")
    now = utcnow()
    record = CommunicationRecord(
        conversation_id=conversation.id,
        customer_id=conversation.customer_id,
        channel=conversation.channel,
        direction=Direction.agent,
        text=body,
        sent_at=now,
        entities=[],
        extra={},
        agent_id=agent_id,
        # Not from a tracker event: a random key keeps two identical replies apart.
        source_key=hashlib.sha256(f"agent:{uuid.uuid4()}".encode()).hexdigest(),
    )
    session.add(record)
    if conversation.last_message_at is None or conversation.last_message_at < now:
        conversation.last_message_at = now
    await session.flush()
    return record.id
