"""The machine's RabbitMQ for the tests of both environments: a queue of a test's own, and its
removal afterwards (with the exchange Rasa's broker declares under the same name, if any)."""

from __future__ import annotations

import uuid

import aio_pika

AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


def queue_name() -> str:
    return f"kefu_test_{uuid.uuid4().hex[:10]}"


async def delete_queue(name: str) -> None:
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(name)
        await channel.exchange_delete(name)
