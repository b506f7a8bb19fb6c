"""Rasa tracker events -> CRM communication records: ingest idempotently, reconcile.

Rasa's SQL tracker store keeps every event in its `events` table (read by tracker_table.py).
Each user and bot message
becomes exactly one CommunicationRecord whose `source_key` is derived from the event, so
ingesting the same events again adds nothing: the exchange logger can restart from id 0 and
`reconcile` can re-read everything after an outage. `ingest_events` works inside the caller's
transaction (see crm_store.services, which store the records); `reconcile` makes one
transaction per batch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_store.models import AgentUser, Direction, utcnow
from crm_store.services.conversations import (
    UNKNOWN_CHANNEL,
    link_customer,
)
from crm_store.services.messages import (
    REDACTED,
    ConversationRef,
    NewRecord,
    attach_records_to_customer,
    conversation_ref,
    customer_erased,
    insert_records,
    latest_session_ref,
    latest_session_refs,
    mark_undelivered,
    quarantine,
    row_exists,
    session_ref,
    set_channel,
    touch_last_messages,
)
from kefu.workers.advance_scoring import scored_in_advance
from kefu.workers.tracker_table import TrackerEvent, read_tracker_events

logger = logging.getLogger(__name__)

# The events `ingest_events` acts on; it passes over every other kind, and over every slot
# but this one. The production profile's Rasa servers publish only these to RabbitMQ
# (endpoints.production.yml, `published_event_types` and `published_slots`).
LOGGED_EVENT_TYPES = ("session_started", "user", "bot", "slot")
LINKING_SLOT = "customer_id"


def is_logged(event: TrackerEvent) -> bool:
    """Whether `ingest_events` acts on this kind of event (whatever its content)."""
    if event.type_name == "slot":
        return event.data.get("name") == LINKING_SLOT
    return event.type_name in LOGGED_EVENT_TYPES


# Rich parts of a bot message worth keeping next to its text.
_BOT_PAYLOAD_KEYS = ("buttons", "quick_replies", "image", "attachment", "elements", "custom")
# Rasa-side metadata worth keeping: the response name, what the guard did, the agent's name.
_KEPT_METADATA_KEYS = ("utter_action", "kefu_guard", "kefu_agent_name")
# A bot event with this metadata key is an agent's reply, appended by the console's live
# handoff through Rasa's HTTP API (console/rasa_api.py): logged once, in order, as "agent".
AGENT_METADATA_KEY = "kefu_agent_id"

# Scores a customer message's sentiment in [-1, 1]; the exchange logger passes nlp's scorer
# (crm_store imports nothing of nlp: the dependency points from kefu/ to both).
SentimentScorer = Callable[[str], float]


def source_key(sender_id: str, type_name: str, timestamp: float, text: str | None) -> str:
    """sha256 of (sender_id, type_name, repr(timestamp), text): one key per message event."""
    material = json.dumps([sender_id, type_name, repr(float(timestamp)), text or ""])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _ident(key: Any) -> int | None:
    try:
        return int(key)
    except (TypeError, ValueError):
        return None


def _utc(timestamp: float) -> datetime:
    if not math.isfinite(timestamp) or timestamp <= 0:
        return utcnow()
    return datetime.fromtimestamp(timestamp, timezone.utc)


def _mapping(value: Any) -> dict[str, Any]:
    # Event data is whatever a channel or action put there; read it defensively.
    return value if isinstance(value, dict) else {}


class _Ingest:
    """The state of one ingest call: which conversation each sender is in, and the new records."""

    def __init__(self, session: AsyncSession, score_sentiment: SentimentScorer | None) -> None:
        self.session = session
        self.score_sentiment = score_sentiment
        self.current: dict[str, ConversationRef] = {}
        self.known: dict[tuple[type, int], bool] = {}
        self.customers: dict[int, bool | None] = {}  # id -> erased; None: no such customer
        self.records: dict[str, NewRecord] = {}
        self.last_message: dict[int, datetime] = {}
        self.linked: set[int] = set()
        self.undelivered: list[tuple[int, list[str], datetime]] = []
        self.events_by_key: dict[str, TrackerEvent] = {}
        self.quarantined = 0
        # Each sender's conversation as of its first event in the batch (look_up_senders).
        self.first_seen: dict[str, float] = {}
        self.looked_up: dict[str, ConversationRef] = {}

    async def look_up_senders(self, events: Sequence[TrackerEvent]) -> None:
        """Find the conversation of every sender whose first event in the batch needs one, all
        at once; `latest_session` answers from it while nothing of the sender is ingested yet."""
        seen: set[str] = set()
        for event in events:
            if event.type_name not in LOGGED_EVENT_TYPES or event.sender_id in seen:
                continue  # passed over, or not the sender's first: it looks nothing up
            seen.add(event.sender_id)
            # After a session_started the batch creates or finds the conversation itself.
            if event.sender_id and event.type_name != "session_started":
                self.first_seen[event.sender_id] = event.timestamp
        self.looked_up = await latest_session_refs(self.session, self.first_seen)

    async def latest_session(self, event: TrackerEvent) -> ConversationRef | None:
        """The sender's conversation whose session started last at or before the event."""
        if self.first_seen.get(event.sender_id) == event.timestamp:
            return self.looked_up.get(event.sender_id)
        return await latest_session_ref(self.session, event.sender_id, event.timestamp)

    async def set_aside(self, event: TrackerEvent, reason: str) -> None:
        """Quarantine an event that cannot be logged; the rest of the log goes on."""
        logger.warning(
            "exchange log: event %d of %r set aside: %s",
            event.event_id,
            event.sender_id.encode("utf-8", "replace").decode(),
            reason,
        )
        await quarantine(self.session, "tracker", event.event_id, event.sender_id, reason)
        self.quarantined += 1

    async def start_session(self, event: TrackerEvent) -> None:
        self.current[event.sender_id] = await session_ref(
            self.session, event.sender_id, event.timestamp
        )

    async def conversation_for(self, event: TrackerEvent, channel: str | None) -> ConversationRef:
        conversation = self.current.get(event.sender_id)
        if conversation is None:
            # First event of this sender in the batch: the latest session started before it.
            conversation = await self.latest_session(event)
            if conversation is None:  # no session_started yet: the "before any session" one
                conversation = await session_ref(
                    self.session, event.sender_id, 0.0, channel or UNKNOWN_CHANNEL
                )
        if channel and conversation.channel == UNKNOWN_CHANNEL:
            conversation = replace(conversation, channel=channel)
            await set_channel(self.session, conversation.id, channel)
        self.current[event.sender_id] = conversation
        return conversation

    async def erased(self, event: TrackerEvent) -> bool:
        """Whether the event's conversation belongs to a customer who has been erased."""
        if event.type_name == "session_started":
            return False
        known = self.current.get(event.sender_id)
        if known is None:
            known = await self.latest_session(event)
        return known is not None and known.erased

    async def _existing(self, model: type, key: Any) -> int | None:
        ident = _ident(key)
        if ident is None:
            return None
        if (model, ident) not in self.known:
            self.known[model, ident] = await row_exists(self.session, model, ident)
        return ident if self.known[model, ident] else None

    async def link_customer(self, event: TrackerEvent) -> None:
        customer_id = _ident(event.data.get("value"))
        if customer_id is None:
            return
        if customer_id not in self.customers:
            self.customers[customer_id] = await customer_erased(self.session, customer_id)
        erased = self.customers[customer_id]
        if erased is None:
            return  # no such customer
        conversation = await self.conversation_for(event, None)
        if conversation.customer_id is None:
            if await link_customer(self.session, conversation.id, customer_id):
                conversation = replace(conversation, customer_id=customer_id, erased=erased)
            else:  # another process linked it since this batch read it
                conversation = await conversation_ref(self.session, conversation.id)
            self.current[event.sender_id] = conversation
        self.linked.add(conversation.id)

    async def add_message(self, event: TrackerEvent) -> None:
        if event.malformed:
            await self.set_aside(event, event.malformed)
            return
        data = event.data
        metadata = _mapping(data.get("metadata"))
        extra = {key: metadata[key] for key in _KEPT_METADATA_KEYS if key in metadata}
        text = data.get("text")
        text = text if isinstance(text, str) else ("" if text is None else str(text))
        understood = _Understood()
        agent_id = None
        direction = Direction.user if event.type_name == "user" else Direction.bot
        if direction is Direction.user:
            channel = data.get("input_channel")
            channel = channel if isinstance(channel, str) and channel else None
            understood = _Understood.of(_mapping(data.get("parse_data")))
        else:
            channel = None
            payload = _mapping(data.get("data"))
            extra.update({key: payload[key] for key in _BOT_PAYLOAD_KEYS if payload.get(key)})
            if AGENT_METADATA_KEY in metadata:
                direction = Direction.agent
                agent_id = await self._existing(AgentUser, metadata[AGENT_METADATA_KEY])
        conversation = await self.conversation_for(event, channel)
        if conversation.erased:
            # Forgotten customers stay forgotten, whatever arrives after the erasure.
            text, understood, extra = REDACTED, _Understood(), {}
        key = source_key(event.sender_id, event.type_name, event.timestamp, text)
        sent_at = _utc(event.timestamp)
        guard = _mapping(metadata.get("kefu_guard"))
        if guard.get("reason") == "slow" and isinstance(guard.get("undelivered"), list):
            texts = [t for t in guard["undelivered"] if isinstance(t, str)]
            self.undelivered.append((conversation.id, texts, sent_at))
        record = NewRecord(
            conversation_id=conversation.id,
            customer_id=conversation.customer_id,
            channel=channel or conversation.channel,
            direction=direction,
            text=text,
            sent_at=sent_at,
            source_key=key,
            intent=understood.intent,
            confidence=understood.confidence,
            entities=understood.entities,
            extra=extra,
            sentiment=self.sentiment_of(text) if direction is Direction.user else None,
            agent_id=agent_id,
        )
        if not record.storable():
            await self.set_aside(event, "its text is not valid Unicode")
            return
        self.records[key] = record
        self.events_by_key[key] = event
        previous = self.last_message.get(conversation.id)
        self.last_message[conversation.id] = max(previous, sent_at) if previous else sent_at

    async def insert(self, records: list[tuple[str, NewRecord]]) -> int:
        """Insert the batch; if the database refuses it, one record at a time, setting aside
        each one it refuses, so that one poisoned record never stops the log."""
        try:
            async with self.session.begin_nested():
                return await insert_records(self.session, [record for _, record in records])
        except (SQLAlchemyError, UnicodeError, ValueError) as error:
            if len(records) == 1:
                raise
            logger.warning("exchange log: a batch was refused (%s); inserting one by one", error)
        added = 0
        for key, record in records:
            try:
                async with self.session.begin_nested():
                    added += await insert_records(self.session, [record])
            except (SQLAlchemyError, UnicodeError, ValueError) as error:
                event = self.events_by_key[key]
                await self.set_aside(event, f"the database refused it: {type(error).__name__}")
        return added

    def sentiment_of(self, text: str) -> float | None:
        if self.score_sentiment is None or not text:
            return None
        try:
            return float(self.score_sentiment(text))
        except Exception:  # a scoring bug must never cost a record: log it without a score
            logger.exception("sentiment scoring failed; the record is kept without a score")
            return None

    async def flush(self) -> int:
        added = await self.insert(list(self.records.items()))
        for conversation_id, texts, before in self.undelivered:
            await mark_undelivered(self.session, conversation_id, texts, before)
        for conversation_id in self.linked:
            await attach_records_to_customer(self.session, conversation_id)
        await touch_last_messages(self.session, self.last_message)
        return added


@dataclass(frozen=True)
class _Understood:
    """What NLU made of a customer message, read defensively from its parse data."""

    intent: str | None = None
    confidence: float | None = None
    entities: list[Any] = field(default_factory=list)

    @classmethod
    def of(cls, parse_data: dict[str, Any]) -> _Understood:
        intent = _mapping(parse_data.get("intent"))
        confidence = intent.get("confidence")
        entities = parse_data.get("entities")
        name = intent.get("name")
        return cls(
            intent=name if isinstance(name, str) and name else None,
            confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
            entities=entities if isinstance(entities, list) else [],
        )


async def ingest_events(
    session: AsyncSession,
    events: Sequence[TrackerEvent],
    score_sentiment: SentimentScorer | None = None,
    erased_events: list[int] | None = None,
) -> int:
    """Turn tracker events into conversations and records; returns how many records were new.

    `session_started` opens a conversation (sender_id, timestamp); `user` and `bot` events become
    records in the sender's current conversation (session 0.0 before any session_started); a
    `slot` event setting `customer_id` links the conversation and its records to that customer.
    Everything else is ignored. Idempotent: replaying events adds nothing. Customer messages
    get `score_sentiment(text)` when a scorer is given. The ids of events that belong to an
    erased customer's conversation are added to `erased_events`, for the caller to redact in
    the tracker store too.
    """
    ingest = _Ingest(session, scored_in_advance(events, score_sentiment))
    await ingest.look_up_senders(events)
    for event in events:
        if not event.sender_id:
            continue
        if erased_events is not None and await ingest.erased(event):
            erased_events.append(event.event_id)
        if event.type_name == "session_started":
            await ingest.start_session(event)
        elif event.type_name in ("user", "bot"):
            await ingest.add_message(event)
        elif (
            event.type_name == "slot"
            and event.data.get("name") == LINKING_SLOT
            and event.data.get("value") not in (None, "")
        ):
            await ingest.link_customer(event)
    return await ingest.flush()


async def reconcile(
    crm_sessionmaker: async_sessionmaker[AsyncSession],
    tracker_engine: AsyncEngine,
    batch_size: int = 500,
    score_sentiment: SentimentScorer | None = None,
) -> int:
    """Ingest every event from id 0, one transaction per batch; returns the records added."""
    added = 0
    after_id = 0
    while True:
        events = await read_tracker_events(tracker_engine, after_id=after_id, limit=batch_size)
        if not events:
            return added
        async with crm_sessionmaker() as session, session.begin():
            added += await ingest_events(session, events, score_sentiment)
        after_id = events[-1].event_id
