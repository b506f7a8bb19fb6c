"""Erasure and retention over both stores: the CRM and Rasa's tracker store.

`python -m kefu erase-customer C10001` anonymises the customer in the CRM and redacts the
tracker events of their conversations in place (texts, entities, slot values, metadata), so no
table of either store keeps their email, phone, address or words. `python -m kefu retention
--days N` redacts conversations older than N days in the CRM and deletes their older events
from the tracker store. Records logged later for an erased customer are redacted as they
arrive (kefu.workers.tracker_events).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from crm_store.admin import (
    ErasureReport,
    RetentionReport,
    anonymise_conversations_before,
    erase_customer,
    resolve_customer,
)
from crm_store.cli import crm_engine, reachable
from crm_store.db import create_engine, create_sessionmaker
from crm_store.models import utcnow
from crm_store.services.messages import REDACTED
from kefu.settings import Settings
from kefu.workers.tracker_table import events_table

# What a customer said or had said about them, wherever Rasa keeps it in an event.
_TEXT_KEYS = ("text",)
_CLEARED_KEYS = ("metadata", "input_channel_metadata")


def redacted_event(type_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """The event's data with everything personal taken out; its type and time stay."""
    clean = {key: value for key, value in data.items() if key not in _CLEARED_KEYS}
    for key in _TEXT_KEYS:
        if isinstance(clean.get(key), str):
            clean[key] = REDACTED
    if isinstance(clean.get("parse_data"), dict):
        intent = clean["parse_data"].get("intent")
        clean["parse_data"] = {"intent": intent, "entities": [], "text": REDACTED}
    if type_name == "bot" and isinstance(clean.get("data"), dict):
        clean["data"] = {}
    if type_name == "slot":
        clean["value"] = None
    return clean


async def _has_events(tracker: AsyncEngine) -> bool:
    async with tracker.connect() as connection:
        return await connection.run_sync(lambda sync: inspect(sync).has_table("events"))


async def redact_tracker(tracker: AsyncEngine, sender_ids: Sequence[str]) -> int:
    """Redact every event of these conversations in place; returns how many were rewritten."""
    if not await _has_events(tracker):
        return 0  # Rasa has not run against this tracker store yet
    return await _redact(tracker, events_table.c.sender_id.in_(list(sender_ids)))


async def redact_event_ids(tracker: AsyncEngine, event_ids: Sequence[int]) -> int:
    """Redact these events in place (an erased customer's, logged after the erasure)."""
    return await _redact(tracker, events_table.c.id.in_(list(event_ids)))


async def _redact(tracker: AsyncEngine, which: Any) -> int:
    rewritten = 0
    async with tracker.begin() as connection:
        rows = await connection.execute(
            select(events_table.c.id, events_table.c.type_name, events_table.c.data).where(which)
        )
        for row in rows.all():
            try:
                data = json.loads(row.data or "{}")
            except ValueError:
                data = {}
            clean = redacted_event(row.type_name, data if isinstance(data, dict) else {})
            await connection.execute(
                update(events_table)
                .where(events_table.c.id == row.id)
                .values(data=json.dumps(clean), intent_name=None)
            )
            rewritten += 1
    return rewritten


async def delete_tracker_events(
    tracker: AsyncEngine, sender_ids: Sequence[str], before: datetime
) -> int:
    if not await _has_events(tracker):
        return 0
    async with tracker.begin() as connection:
        result = await connection.execute(
            delete(events_table).where(
                events_table.c.sender_id.in_(list(sender_ids)),
                events_table.c.timestamp < before.timestamp(),
            )
        )
    return result.rowcount


async def _tracker(settings: Settings) -> AsyncEngine:
    await reachable(
        settings.tracker_database_url, "tracker store database", "KEFU_TRACKER_DATABASE_URL"
    )
    return create_engine(settings.tracker_database_url)


async def erase_everywhere(settings: Settings, reference: str) -> tuple[ErasureReport, int]:
    """Erase the customer in the CRM, then redact their conversations in the tracker store."""
    engine = await crm_engine(settings.database)
    tracker = await _tracker(settings)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            customer = await resolve_customer(session, reference)
            report = await erase_customer(session, customer.id)
        events = await redact_tracker(tracker, report.sender_ids) if report.sender_ids else 0
    finally:
        await engine.dispose()
        await tracker.dispose()
    return report, events


async def apply_retention(settings: Settings, days: float) -> tuple[RetentionReport, int]:
    """Redact conversations older than `days` in the CRM; delete their older tracker events."""
    cutoff = utcnow() - timedelta(days=days)
    engine = await crm_engine(settings.database)
    tracker = await _tracker(settings)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            report = await anonymise_conversations_before(session, cutoff)
        deleted = (
            await delete_tracker_events(tracker, report.sender_ids, cutoff)
            if report.sender_ids
            else 0
        )
    finally:
        await engine.dispose()
        await tracker.dispose()
    return report, deleted
