"""The batching RabbitMQ broker: every event, in order, fewer messages; the production
endpoints load it. Against the machine's RabbitMQ on 127.0.0.1:5672, on an exchange and a queue
of the test's own that are deleted afterwards; skipped when it is not running."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aio_pika
import pytest
import rasa.shared.core.events  # noqa: F401  (Rasa's broker uses it without importing it)
import yaml
from rasa.core.brokers.pika import PikaEventBroker
from rasa.shared.utils.common import class_from_module_path

from bot.event_broker import BatchingPikaEventBroker
from kefu.production import reachable
from tests.rabbitmq import AMQP_URL, delete_queue, queue_name

REPO = Path(__file__).resolve().parents[2]


needs_rabbit = pytest.mark.skipif(
    not reachable("127.0.0.1", 5672), reason="no RabbitMQ on 127.0.0.1:5672"
)


def test_the_production_endpoints_load_it() -> None:
    """Rasa loads a broker by module path and, when it cannot, runs without one (a warning)."""
    endpoints = yaml.safe_load((REPO / "endpoints.production.yml").read_text())
    assert class_from_module_path(endpoints["event_broker"]["type"]) is BatchingPikaEventBroker


@pytest.fixture
async def queue() -> AsyncIterator[str]:
    name = queue_name()
    yield name
    await delete_queue(name)


async def _published(broker_class: type[PikaEventBroker], queue: str, count: int) -> list[Any]:
    broker = broker_class(
        "127.0.0.1", username="guest", password="guest", queues=[queue], exchange_name=queue
    )
    await broker.connect()
    try:
        for index in range(count):  # as the tracker store publishes a turn: no awaiting
            broker.publish({"sender_id": "s", "event": "user", "text": str(index)})
        await asyncio.gather(*broker._background_tasks)
    finally:
        await broker.close()
    connection = await aio_pika.connect(AMQP_URL)
    bodies = []
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True)
        while (message := await declared.get(fail=False)) is not None:
            await message.ack()
            bodies.append(json.loads(message.body))
    return bodies


@needs_rabbit
async def test_events_published_while_one_publish_is_under_way_go_together(queue: str) -> None:
    bodies = await _published(BatchingPikaEventBroker, queue, 20)
    assert all(isinstance(body, list) for body in bodies)
    assert [event["text"] for body in bodies for event in body] == [str(i) for i in range(20)]
    assert len(bodies) < 20


@needs_rabbit
async def test_rasas_broker_sends_one_message_an_event(queue: str) -> None:
    """What the batching broker changes: Rasa's own sends the same events one by one."""
    bodies = await _published(PikaEventBroker, queue, 5)
    assert [body["text"] for body in bodies] == [str(i) for i in range(5)]
