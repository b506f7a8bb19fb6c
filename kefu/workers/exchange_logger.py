"""The exchange logger: turns the tracker store's events into the CRM's communication records."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kefu.privacy import redact_event_ids
from kefu.workers.base import Worker
from kefu.workers.tracker_events import SentimentScorer, ingest_events
from kefu.workers.tracker_table import read_tracker_events

logger = logging.getLogger(__name__)


class ExchangeLogger(Worker):
    """Follows the tracker store's `events` table by id and ingests each new batch.

    Ingesting is idempotent (each record is keyed by its event), so starting again from id 0 —
    as `run()` does on start, and as `python -m kefu reconcile` does — adds only what is
    missing. That is what makes a crash of the logger, the CRM database or the Rasa server
    lose nothing: the tracker store keeps every event until the log has caught up.
    """

    name = "exchange logger"

    def __init__(
        self,
        tracker_engine: AsyncEngine,
        crm_sessions: async_sessionmaker[AsyncSession],
        batch_size: int = 500,
        poll_interval: float = 0.5,
        score_sentiment: SentimentScorer | None = None,
    ) -> None:
        super().__init__(poll_interval=poll_interval)
        self.tracker_engine = tracker_engine
        self.crm_sessions = crm_sessions
        self.score_sentiment = score_sentiment
        self.batch_size = batch_size
        self.last_event_id = 0
        self.records_added = 0

    async def consume(self) -> int:
        events = await read_tracker_events(
            self.tracker_engine, after_id=self.last_event_id, limit=self.batch_size
        )
        if not events:
            return 0
        erased: list[int] = []
        async with self.crm_sessions() as session, session.begin():
            added = await ingest_events(session, events, self.score_sentiment, erased)
        if erased:
            # An erased customer who keeps writing: their words leave the tracker store too.
            await redact_event_ids(self.tracker_engine, erased)
        # Only advance once the batch is committed: a failed batch is read again.
        self.last_event_id = events[-1].event_id
        self.records_added += added
        if added:
            logger.debug("logged %d records up to event %d", added, self.last_event_id)
        return len(events)

    async def catch_up(self) -> int:
        """Consume until the tracker store has nothing newer; return the records added."""
        before = self.records_added
        while await self.consume():
            pass
        return self.records_added - before
