"""The exchange log's CRM side: communication records written once, and the agents' messages.

The exchange logger (kefu.workers.tracker_events) decides what a message is; these functions
store it. Every record carries a `source_key` unique in the table, so writing the same message
twice adds nothing: that is what lets the logger replay its source after any failure.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, bindparam, or_, select, update
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
from crm_store.services.conversations import UNKNOWN_CHANNEL, create_conversation

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
            json.dumps(self._fields(), default=str, ensure_ascii=False).encode("utf-8")
        except (UnicodeEncodeError, TypeError, ValueError):
            return False
        return True

    def _fields(self) -> dict[str, Any]:
        # Not `asdict`: it deep-copies the entities and extras of every record logged.
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def row(self) -> dict[str, Any]:
        row = self._fields()
        row["channel"] = (self.channel or UNKNOWN_CHANNEL)[:MAX_CHANNEL_CHARS]
        row["intent"] = self.intent[:MAX_INTENT_CHARS] if self.intent else None
        return row


def _ref_query() -> Select[Any]:
    return select(
        Conversation.id, Conversation.channel, Conversation.customer_id, Customer.erased_at
    ).outerjoin(Customer, Customer.id == Conversation.customer_id)


def _ref(row: Row[Any]) -> ConversationRef:
    return ConversationRef(row.id, row.channel, row.customer_id, erased=row.erased_at is not None)


async def conversation_ref(session: AsyncSession, conversation_id: int) -> ConversationRef:
    return _ref(
        (await session.execute(_ref_query().where(Conversation.id == conversation_id))).one()
    )


async def latest_session_ref(
    session: AsyncSession, sender_id: str, timestamp: float
) -> ConversationRef | None:
    """The sender's conversation whose session started last at or before `timestamp`."""
    row = (
        await session.execute(
            _ref_query()
            .where(
                Conversation.sender_id == sender_id, Conversation.session_started_at <= timestamp
            )
            .order_by(Conversation.session_started_at.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else _ref(row)


# Senders looked up per statement: each count is a statement of its own to compile and prepare.
SENDERS_PER_LOOKUP = 32


async def latest_session_refs(
    session: AsyncSession, first_seen: dict[str, float]
) -> dict[str, ConversationRef]:
    """`latest_session_ref` of many senders (sender id -> timestamp) in one round trip per
    SENDERS_PER_LOOKUP senders; a sender without such a conversation is left out. One query per
    sender was most of the exchange logger's statements under load: a batch holds tens of them."""
    found: dict[str, ConversationRef] = {}
    wanted = list(first_seen.items())
    for start in range(0, len(wanted), SENDERS_PER_LOOKUP):
        latest_ids = [
            select(Conversation.id)
            .where(Conversation.sender_id == sender_id, Conversation.session_started_at <= at)
            .order_by(Conversation.session_started_at.desc())
            .limit(1)
            .scalar_subquery()
            for sender_id, at in wanted[start : start + SENDERS_PER_LOOKUP]
        ]
        rows = await session.execute(
            _ref_query().add_columns(Conversation.sender_id).where(Conversation.id.in_(latest_ids))
        )
        found.update({row.sender_id: _ref(row) for row in rows})
    return found


async def session_ref(
    session: AsyncSession, sender_id: str, session_started_at: float, channel: str = UNKNOWN_CHANNEL
) -> ConversationRef:
    """The conversation of this Rasa session, created on `channel` if needed: one round trip
    when it exists, two when this call creates it (the exchange logger's hot path). An existing
    conversation keeps its channel."""
    key = (
        Conversation.sender_id == sender_id,
        Conversation.session_started_at == session_started_at,
    )
    row = (await session.execute(_ref_query().where(*key))).first()
    if row is not None:
        return _ref(row)
    created = await create_conversation(session, sender_id, session_started_at, channel)
    if created is not None:
        return ConversationRef(created, (channel or UNKNOWN_CHANNEL)[:MAX_CHANNEL_CHARS], None)
    return _ref((await session.execute(_ref_query().where(*key))).one())


async def set_channel(session: AsyncSession, conversation_id: int, channel: str) -> None:
    await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(channel=channel[:MAX_CHANNEL_CHARS])
    )


async def customer_erased(session: AsyncSession, customer_id: int) -> bool | None:
    """Whether the customer has been erased; None when there is no such customer."""
    row = (
        await session.execute(select(Customer.erased_at).where(Customer.id == customer_id))
    ).first()
    return None if row is None else row.erased_at is not None


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


_CONVERSATIONS = Conversation.__table__.c
# One statement for every conversation of a batch, sent as one executemany: the exchange logger
# sent one UPDATE per conversation per batch, a tenth of its time under load.
_TOUCH_LAST_MESSAGE = (
    update(Conversation.__table__)
    .where(
        _CONVERSATIONS.id == bindparam("conversation"),
        or_(
            _CONVERSATIONS.last_message_at.is_(None),
            _CONVERSATIONS.last_message_at < bindparam("message_at"),
        ),
    )
    .values(last_message_at=bindparam("message_at"))
)


async def touch_last_messages(session: AsyncSession, last_messages: dict[int, datetime]) -> None:
    """Move each conversation's last_message_at forward to its new message's time (never
    back); `last_messages` maps conversation ids to those times."""
    if last_messages:
        await session.execute(
            _TOUCH_LAST_MESSAGE,
            [
                {"conversation": conversation_id, "message_at": sent_at}
                for conversation_id, sent_at in last_messages.items()
            ],
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
