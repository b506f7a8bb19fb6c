"""The exchange logger of the production profile: Rasa's events from RabbitMQ into the CRM.

Every Rasa server publishes each new tracker event this worker logs to a durable queue (Rasa's
pika event broker, batching what waits: bot/event_broker.py, endpoints.production.yml). This
worker takes them in batches, ingests them with the same idempotent code as the polling logger
(`ingest_events`, one record per message keyed by its event), and acknowledges a batch only once
its transaction is committed: a crash, a database outage or a broker outage redelivers the
batch, and the keys make a second delivery add nothing. Whenever it (re)connects, and every
`replay_seconds` besides, it also replays the tracker store from where its last replay stopped,
for events a Rasa server could not publish (it publishes in the background after saving the turn
and keeps unpublished events in memory only: a server killed just after answering loses them;
the tracker store has them). Each path skips the events the other has already ingested:
ingesting them again would add nothing, but it scored every customer message a second time and
doubled the worker's CPU under load.

Messages come by subscription (basic.consume with a prefetch window), not by one basic.get
round trip each: RabbitMQ and this worker each spent a tenth of a core on those round trips at
60 messages a second (bench/README.md, "Scale-out").
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections import OrderedDict
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kefu.workers.base import Worker
from kefu.workers.tracker_events import (
    LINKING_SLOT,
    LOGGED_EVENT_TYPES,
    SentimentScorer,
    ingest_events,
    is_logged,
)
from kefu.workers.tracker_table import TrackerEvent, newest_event_id, read_tracker_events

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5.0
# The sweep over the tracker store re-reads each event once more (ingesting it adds nothing
# when the broker delivered it): a small cost for never waiting on `reconcile`.
DEFAULT_REPLAY_SECONDS = 10.0
# How many ingested events each path remembers for the other to skip: far more than arrive
# between two replays; an event forgotten early is only ingested a second time (adding nothing).
REMEMBERED_DELIVERIES = 200_000
REPLAY_PAGE = 500
# After a batch's first message, how long to let more arrive: a batch costs this worker and
# PostgreSQL a transaction and a dozen statements whatever its size, and at 50 messages a
# second the batches held 4 conversations' turns at the median (bench/README.md, "Scale-out").
# A customer's message reaches the console at most this much later.
DEFAULT_LINGER_SECONDS = 0.25

DeliveryKey = tuple[str, str, str, str]


def delivery_key(event: TrackerEvent) -> DeliveryKey:
    """The same event whether the broker delivered it or the tracker store holds it."""
    data = event.data
    what = json.dumps(
        [data.get("text"), data.get("name"), data.get("value")], sort_keys=True, default=str
    )
    return (event.sender_id, event.type_name, repr(float(event.timestamp)), what)


def broker_events(body: bytes) -> list[TrackerEvent] | None:
    """The tracker events in a message a Rasa server published (None if it holds none).

    Rasa's pika broker sends one event a message: its `as_dict()` plus `sender_id`, the same
    JSON the SQL tracker store keeps in its `data` column. Kefu's batching broker
    (bot/event_broker.py) sends a JSON list of such events. Broker events have no table id; a
    hash of the body, plus the event's place in it, stands in (it names the event when it has
    to be set aside).
    """
    try:
        data = json.loads(body)
    except ValueError:
        return None
    items = data if isinstance(data, list) else [data]
    body_hash = int(hashlib.sha256(body).hexdigest()[:7], 16)
    events = [
        event
        for position, item in enumerate(items)
        if (event := _tracker_event(item, body_hash + position)) is not None
    ]
    return events or None


def _tracker_event(data: Any, event_id: int) -> TrackerEvent | None:
    if not isinstance(data, dict) or not isinstance(data.get("event"), str):
        return None
    timestamp = data.get("timestamp")
    return TrackerEvent(
        event_id=event_id,
        sender_id=str(data.get("sender_id") or ""),
        type_name=data["event"],
        timestamp=float(timestamp) if isinstance(timestamp, (int, float)) else 0.0,
        data=data,
    )


def _remember(ingested: OrderedDict[DeliveryKey, None], events: list[TrackerEvent]) -> None:
    for event in events:  # both paths pass only events the logger logs
        ingested[delivery_key(event)] = None
    while len(ingested) > REMEMBERED_DELIVERIES:
        ingested.popitem(last=False)


class BrokerLogger(Worker):
    """Consumes the event queue in batches; `consume()` is one batch, as for every worker."""

    name = "exchange logger (RabbitMQ)"

    def __init__(
        self,
        broker_url: str,
        queue_name: str,
        tracker_engine: AsyncEngine,
        crm_sessions: async_sessionmaker[AsyncSession],
        batch_size: int = 200,
        poll_interval: float = 0.2,
        score_sentiment: SentimentScorer | None = None,
        replay_seconds: float = DEFAULT_REPLAY_SECONDS,
        linger_seconds: float = DEFAULT_LINGER_SECONDS,
    ) -> None:
        super().__init__(poll_interval=poll_interval, max_backoff=5.0)
        self.replay_seconds = replay_seconds
        self.linger_seconds = linger_seconds
        self.next_replay = 0.0
        self.broker_url = broker_url
        self.queue_name = queue_name
        self.tracker_engine = tracker_engine
        self.crm_sessions = crm_sessions
        self.batch_size = batch_size
        self.score_sentiment = score_sentiment
        self.connection: aio_pika.abc.AbstractConnection | None = None
        self.channel: AbstractChannel | None = None
        self.queue: AbstractQueue | None = None
        # Filled by the subscription; its messages are acknowledged once their batch commits.
        self.arrived: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self.replayed_up_to = 0  # tracker store events up to this id are in the CRM
        self.must_replay = True
        self.records_added = 0
        # Events one path ingested and the CRM committed, for the other path to skip.
        self.from_broker: OrderedDict[DeliveryKey, None] = OrderedDict()
        self.from_replay: OrderedDict[DeliveryKey, None] = OrderedDict()
        self.skipped = 0

    async def connect(self) -> AbstractQueue:
        if self.queue is not None and self.channel is not None and not self.channel.is_closed:
            return self.queue
        await self.close()
        self.connection = await aio_pika.connect(self.broker_url, timeout=CONNECT_TIMEOUT_SECONDS)
        self.channel = await self.connection.channel()
        await self.channel.set_qos(prefetch_count=self.batch_size * 2)
        # Declared as Rasa declares it (durable), so whichever starts first creates it.
        self.queue = await self.channel.declare_queue(self.queue_name, durable=True)
        await self.queue.consume(self.arrived.put, no_ack=False)
        self.must_replay = True
        return self.queue

    async def close(self) -> None:
        connection, self.connection, self.channel, self.queue = self.connection, None, None, None
        # Unacknowledged deliveries of a closed channel are the broker's to deliver again.
        self.arrived = asyncio.Queue()
        if connection is not None and not connection.is_closed:
            with contextlib.suppress(Exception):
                await connection.close()

    async def replay_tracker_store(self) -> int:
        """Ingest the tracker store's events after the last replay; returns the records added.

        It stops at the newest event there was when it began. Under load, events arrive faster
        than a page is ingested, so a replay chasing the table's tail never caught up: it did
        all the ingesting while the broker's deliveries waited, to be decoded and skipped after
        the load.
        """
        newest = await newest_event_id(self.tracker_engine)
        added = 0
        while self.replayed_up_to < newest:
            events = await read_tracker_events(
                self.tracker_engine,
                after_id=self.replayed_up_to,
                limit=REPLAY_PAGE,
                types=LOGGED_EVENT_TYPES,
                up_to_id=newest,
                slots=(LINKING_SLOT,),
            )
            missed = self._not_yet_ingested(events, self.from_broker)
            if missed:
                async with self.crm_sessions() as session, session.begin():
                    added += await ingest_events(session, missed, self.score_sentiment)
                _remember(self.from_replay, missed)
            # A short page is the last: the rest up to `newest` are events it does not log.
            self.replayed_up_to = events[-1].event_id if len(events) == REPLAY_PAGE else newest
        return added

    async def consume(self, wait: float | None = None) -> int:
        """One batch: whatever has arrived, waiting up to `wait` (the poll interval) for it."""
        try:
            await self.connect()
        except Exception:
            await self.close()
            raise
        if self.must_replay or time.monotonic() >= self.next_replay:
            self.records_added += await self.replay_tracker_store()
            self.must_replay = False
            self.next_replay = time.monotonic() + self.replay_seconds
        messages = await self._take_batch(self.poll_interval if wait is None else wait)
        if not messages:
            return 0
        try:
            await self._ingest(messages)
            await messages[-1].ack(multiple=True)
        except Exception:
            # Not acknowledged: the broker delivers them again (a closed channel does that too).
            await self._give_back(messages)
            raise
        return len(messages)

    async def _take_batch(self, wait: float) -> list[AbstractIncomingMessage]:
        arrived = self.arrived
        try:
            messages = [await asyncio.wait_for(arrived.get(), timeout=wait)]
        except asyncio.TimeoutError:
            return []
        if self.linger_seconds > 0 and arrived.qsize() < self.batch_size:
            await asyncio.sleep(self.linger_seconds)
        while len(messages) < self.batch_size and not arrived.empty():
            messages.append(arrived.get_nowait())
        return messages

    async def _ingest(self, messages: list[AbstractIncomingMessage]) -> None:
        events = []
        for message in messages:
            published = broker_events(message.body)
            if published is None:
                logger.warning("exchange log: a broker message that is no Rasa event was dropped")
            else:
                events.extend(event for event in published if is_logged(event))
        events = self._not_yet_ingested(events, self.from_replay)
        if not events:
            return
        async with self.crm_sessions() as session, session.begin():
            added = await ingest_events(session, events, self.score_sentiment)
        self.records_added += added
        _remember(self.from_broker, events)
        if added:
            logger.debug("logged %d records from %d broker events", added, len(events))

    def _not_yet_ingested(
        self, events: list[TrackerEvent], by_the_other_path: OrderedDict[DeliveryKey, None]
    ) -> list[TrackerEvent]:
        missed = []
        for event in events:
            key = delivery_key(event)
            if key in by_the_other_path:
                # Each path sees an event once: once skipped, its key is not needed again.
                del by_the_other_path[key]
                self.skipped += 1
            else:
                missed.append(event)
        return missed

    async def _give_back(self, messages: list[AbstractIncomingMessage]) -> None:
        if messages:
            try:
                await messages[-1].nack(multiple=True, requeue=True)
                return
            except Exception:
                pass
        await self.close()

    async def catch_up(self) -> int:
        """Consume until the queue is empty; return the records added."""
        before = self.records_added
        # The first wait is longer: a fresh subscription's deliveries take a moment to arrive.
        wait = max(self.poll_interval, 1.0)
        while await self.consume(wait):
            wait = self.poll_interval
        return self.records_added - before

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await super().run(stop)
        finally:
            await self.close()
