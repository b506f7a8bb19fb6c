"""`python -m kefu reconcile`: add any record the exchange log is missing from the tracker store."""

from __future__ import annotations

from sqlalchemy import func, select

from crm_store.cli import crm_engine, reachable
from crm_store.db import create_engine, create_sessionmaker
from crm_store.models import QuarantinedEvent
from kefu.settings import Settings
from kefu.workers.tracker_events import reconcile


async def reconcile_command(settings: Settings) -> tuple[int, int]:
    """Replay the whole tracker store into the CRM (idempotent); returns the records added and
    how many events are set aside (quarantined) in all."""
    engine = await crm_engine(settings.database)
    tracker = None
    try:
        await reachable(
            settings.tracker_database_url, "tracker store database", "KEFU_TRACKER_DATABASE_URL"
        )
        tracker = create_engine(settings.tracker_database_url)
        sessions = create_sessionmaker(engine)
        added = await reconcile(sessions, tracker)
        async with sessions() as session:
            quarantined = await session.scalar(select(func.count()).select_from(QuarantinedEvent))
        return added, int(quarantined or 0)
    finally:
        await engine.dispose()
        if tracker is not None:
            await tracker.dispose()
