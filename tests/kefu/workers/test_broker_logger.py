"""The RabbitMQ exchange logger: each event once, nothing lost when the CRM fails, and the
tracker store's events a Rasa server never published.

Against the machine's RabbitMQ on 127.0.0.1:5672, on a queue of the test's own that is deleted
afterwards; skipped when it is not running.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kefu.production import reachable
from kefu.workers import broker_logger
from kefu.workers.broker_logger import BrokerLogger
from tests.kefu.workers.test_exchange_logger import FailingSessions, add_turn, count_records
from tests.rabbitmq import AMQP_URL, delete_queue, queue_name

pytestmark = pytest.mark.skipif(
    not reachable("127.0.0.1", 5672), reason="no RabbitMQ on 127.0.0.1:5672"
)


@pytest_asyncio.fixture
async def queue() -> AsyncIterator[str]:
    name = queue_name()
    yield name
    await delete_queue(name)


async def publish(queue: str, events: list[dict[str, Any]]) -> None:
    """As Rasa's pika broker does: the event's dict plus its sender, as JSON."""
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        await channel.declare_queue(queue, durable=True)
        for event in events:
            message = aio_pika.Message(json.dumps(event).encode())
            await channel.default_exchange.publish(message, routing_key=queue)


def turn(sender: str, start: float, user: str, bot: str) -> list[dict[str, Any]]:
    return [
        {"sender_id": sender, "event": "session_started", "timestamp": start},
        {
            "sender_id": sender,
            "event": "user",
            "timestamp": start + 1,
            "text": user,
            "input_channel": "rest",
            "parse_data": {"intent": {"name": "greet", "confidence": 0.9}, "entities": []},
        },
        {"sender_id": sender, "event": "bot", "timestamp": start + 2, "text": bot, "data": {}},
    ]


async def test_each_published_event_is_logged_once(
    queue: str, tracker: AsyncEngine, crm: async_sessionmaker[AsyncSession]
) -> None:
    logger = BrokerLogger(AMQP_URL, queue, tracker, crm)
    try:
        events = turn("alice", 1000.0, "hello", "Hi!")
        await publish(queue, events)
        assert await logger.catch_up() == 2
        # Delivered again (a redelivery after a crash): nothing new.
        await publish(queue, [*events, {"not": "an event"}])
        assert await logger.catch_up() == 0
        assert await count_records(crm) == 2
    finally:
        await logger.close()


async def test_turns_published_while_a_batch_lingers_join_it(
    queue: str, tracker: AsyncEngine, crm: async_sessionmaker[AsyncSession]
) -> None:
    """One transaction for the turns of several conversations, not one for each."""
    logger = BrokerLogger(AMQP_URL, queue, tracker, crm, linger_seconds=1.0)
    try:
        await logger.connect()
        logger.must_replay, logger.next_replay = False, float("inf")
        await publish(queue, turn("erin", 5000.0, "hi", "Hello!"))
        batch = asyncio.create_task(logger.consume(wait=5.0))
        await asyncio.sleep(0.3)
        await publish(queue, turn("frank", 6000.0, "hey", "Hi!"))
        assert await batch == 6  # both turns' messages (three events each), in one batch
        assert await count_records(crm) == 4
    finally:
        await logger.close()


async def test_a_batch_the_crm_refuses_is_delivered_again(
    queue: str, tracker: AsyncEngine, crm: async_sessionmaker[AsyncSession]
) -> None:
    await publish(queue, turn("bob", 2000.0, "hi", "Hello!"))
    failing = BrokerLogger(AMQP_URL, queue, tracker, FailingSessions())  # type: ignore[arg-type]
    failing.must_replay = False
    failing.next_replay = float("inf")
    with pytest.raises(ConnectionRefusedError):
        await failing.consume()
    await failing.close()
    logger = BrokerLogger(AMQP_URL, queue, tracker, crm)
    try:
        assert await logger.catch_up() == 2
    finally:
        await logger.close()


async def test_events_never_published_come_from_the_tracker_store(
    queue: str, tracker: AsyncEngine, crm: async_sessionmaker[AsyncSession]
) -> None:
    """A Rasa server killed right after saving a turn never publishes it."""
    await add_turn(tracker, "carol", 3000.0, "hey", "Hi Carol!")
    logger = BrokerLogger(AMQP_URL, queue, tracker, crm)
    try:
        assert await logger.catch_up() == 2
        await add_turn(tracker, "dave", 4000.0, "hello", "Hi Dave!")
        assert await logger.catch_up() == 0  # the next sweep is not due yet
        logger.next_replay = 0.0
        assert await logger.catch_up() == 2
        assert await count_records(crm) == 4
    finally:
        await logger.close()


async def test_an_event_is_ingested_once_by_the_broker_or_the_replay(
    queue: str, tracker: AsyncEngine, crm: async_sessionmaker[AsyncSession]
) -> None:
    """The tracker store and the broker both hold each event: whichever path ingests it first,
    the other skips it, so each customer message is scored once; an event only the tracker store
    holds is still logged by the replay."""
    scored: list[str] = []

    def score(text: str) -> float:
        scored.append(text)
        return 0.0

    async def both(sender: str, start: float, user: str, bot: str) -> None:
        await add_turn(tracker, sender, start, user, bot)  # the turn as Rasa saves it ...
        saved = turn(sender, start, user, bot)
        saved[1]["parse_data"]["intent"]["confidence"] = 0.97
        await publish(queue, saved)  # ... and as it publishes it

    await both("erin", 5000.0, "hello", "Hi!")
    logger = BrokerLogger(AMQP_URL, queue, tracker, crm, score_sentiment=score)
    try:
        # The replay on connecting logs erin's turn; the broker's copy is skipped.
        assert await logger.catch_up() == 2
        assert logger.skipped == 3  # her session start, message and reply
        await both("frank", 6000.0, "hey there", "Hello!")
        await add_turn(tracker, "gina", 7000.0, "good morning", "Morning!")  # never published
        assert await logger.catch_up() == 2  # frank's, from the broker
        logger.next_replay = 0.0
        assert await logger.catch_up() == 2  # gina's, from the tracker store
        assert logger.skipped == 6
        assert sorted(scored) == ["good morning", "hello", "hey there"]
        assert await count_records(crm) == 6
    finally:
        await logger.close()


async def test_a_replay_stops_at_the_newest_event_there_was_when_it_began(
    queue: str,
    tracker: AsyncEngine,
    crm: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under load, turns are saved while a replay ingests: a replay that followed the table's
    tail never caught up, and did all the logging while the broker's deliveries waited."""
    await add_turn(tracker, "hana", 8000.0, "hello", "Hi Hana!")
    logger = BrokerLogger(AMQP_URL, queue, tracker, crm)
    logger.must_replay = False
    real_ingest = broker_logger.ingest_events
    arrived = iter(["ivan", "jun", "kim"])

    async def ingest_while_turns_arrive(*args: Any, **kwargs: Any) -> int:
        sender = next(arrived, None)
        if sender is not None:  # a turn saved while the replay is busy
            await add_turn(tracker, sender, 9000.0, "hi", "Hello!")
        return await real_ingest(*args, **kwargs)

    monkeypatch.setattr(broker_logger, "ingest_events", ingest_while_turns_arrive)
    try:
        assert await logger.replay_tracker_store() == 2  # hana's turn only
        assert await count_records(crm) == 2
        # The turn saved meanwhile waits for the broker, or for the next replay.
        assert await logger.replay_tracker_store() == 2
    finally:
        await logger.close()
