"""Rasa's RabbitMQ event broker, publishing what has piled up as one message.

Rasa's `PikaEventBroker` publishes each event as its own message, from a task of its own, and
each publish holds the channel's lock until its frames are written: a few turns of the event
loop. A Rasa server busy with 25 conversations turns its loop a few dozen times a second, so
under load its events reached RabbitMQ more than 10 s late (bench/README.md, "Scale-out",
stop 29), and the exchange logger's replay of the tracker store did the logging instead.

This broker keeps the events published while a publish is under way and sends them together,
as one message whose body is the JSON list of the events (each Rasa's event dict with its
`sender_id`, as Rasa's broker sends it alone); the exchange logger reads both forms
(kefu/workers/broker_logger.py). A batch that cannot be published is kept, as Rasa keeps an
event, and published again when the connection comes back.

Set in endpoints.production.yml as `type: bot.event_broker.BatchingPikaEventBroker`, with the
settings of Rasa's `pika` broker.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.brokers.pika import PikaEventBroker

logger = logging.getLogger(__name__)


class BatchingPikaEventBroker(PikaEventBroker):
    """`PikaEventBroker` with one publish in flight at a time, carrying all that waited."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._waiting: list[dict[str, Any]] = []
        self._flushing = False

    def publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        if headers:  # a batch has one set of headers: such events go alone, as Rasa sends them
            super().publish(event, headers)
            return
        self._waiting.append(event)
        if not self._flushing:
            self._flushing = True
            task = self._loop.create_task(self._flush())
            self._background_tasks.add(task)
            task.add_done_callback(self._background_tasks.discard)

    async def _flush(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                await self._publish_batch(batch)
        finally:
            self._flushing = False

    async def _publish_batch(self, events: list[dict[str, Any]]) -> None:
        try:
            if self._exchange is None:
                raise ConnectionError("not connected to RabbitMQ")
            await self._exchange.publish(self._message(events, None), "")  # type: ignore[arg-type]
        except Exception:
            logger.exception("could not publish %d events to RabbitMQ", len(events))
            if self.should_keep_unpublished_messages:
                self._unpublished_events.extend(events)
            if self.raise_on_failure:
                raise
