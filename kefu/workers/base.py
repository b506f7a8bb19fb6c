"""The base of Kefu's background workers: `consume()` does one batch, `run()` repeats it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod

logger = logging.getLogger(__name__)


class Worker(ABC):
    """A polling worker. Tests call `consume()` directly; the launcher calls `run()`."""

    name = "worker"

    def __init__(self, poll_interval: float = 0.5, max_backoff: float = 30.0) -> None:
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff

    @abstractmethod
    async def consume(self) -> int:
        """Do one batch of work; return how many items it handled."""

    async def run(self, stop: asyncio.Event) -> None:
        """Repeat `consume()` until `stop` is set; a failing batch is retried, never fatal."""
        delay = self.poll_interval
        while not stop.is_set():
            try:
                handled = await self.consume()
                delay = 0.0 if handled else self.poll_interval
            except Exception:
                # The source keeps every event, so nothing is lost by waiting and trying again.
                logger.exception("%s: batch failed; retrying in %.1f s", self.name, delay)
                delay = min(max(delay * 2, 1.0), self.max_backoff)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay or 0.01)
