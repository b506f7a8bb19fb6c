"""Rasa's tracker store as the exchange logger reads it: the `events` table and its rows.

Rasa's SQL tracker store keeps every event of every conversation in this one table, in order
of its `id`; the loggers follow it by id (kefu/workers/tracker_events.py turns the events into
communication records).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    Row,
    Select,
    String,
    Table,
    Text,
    func,
    inspect,
    or_,
    select,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

# The table Rasa's SQLTrackerStore writes (rasa/core/tracker_store.py, SQLTrackerStore.SQLEvent).
tracker_metadata = MetaData()
events_table = Table(
    "events",
    tracker_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


@dataclass
class TrackerEvent:
    event_id: int
    sender_id: str
    type_name: str
    timestamp: float
    data: dict[str, Any] = field(default_factory=dict)
    # Why the event's data could not be read, for an event that cannot be logged as it is.
    malformed: str | None = None


def _decode(raw: str | None) -> tuple[dict[str, Any], str | None]:
    """The event's data, and why it is unreadable (None when it is fine)."""
    if not raw:
        return {}, None
    try:
        value = json.loads(raw)
    except ValueError:
        return {}, "its data is not JSON"
    if not isinstance(value, dict):
        return {}, "its data is not a JSON object"
    return value, None


async def read_tracker_events(
    tracker_engine: AsyncEngine,
    after_id: int = 0,
    limit: int = 500,
    types: Collection[str] | None = None,
    up_to_id: int | None = None,
    slots: Collection[str] | None = None,
) -> list[TrackerEvent]:
    """Up to `limit` events with after_id < id (<= up_to_id, if given) of these `types` (if
    given), oldest first, and of the slot events those setting these `slots` (if given); []
    while Rasa has no table yet."""
    statement = (
        select(
            events_table.c.id,
            events_table.c.sender_id,
            events_table.c.type_name,
            events_table.c.timestamp,
            events_table.c.data,
        )
        .where(events_table.c.id > after_id)
        .order_by(events_table.c.id)
        .limit(limit)
    )
    if types is not None:
        statement = statement.where(events_table.c.type_name.in_(types))
    if up_to_id is not None:
        statement = statement.where(events_table.c.id <= up_to_id)
    if slots is not None:
        # Rasa's store keeps a slot event's slot name in the `action_name` column.
        statement = statement.where(
            or_(events_table.c.type_name != "slot", events_table.c.action_name.in_(slots))
        )
    rows = await _rows(tracker_engine, statement)
    return [
        TrackerEvent(
            row.id, row.sender_id, row.type_name, float(row.timestamp or 0.0), *_decode(row.data)
        )
        for row in rows
    ]


async def newest_event_id(tracker_engine: AsyncEngine) -> int:
    """The id of the newest event in the tracker store (0 when it has none, or no table yet)."""
    rows = await _rows(tracker_engine, select(func.max(events_table.c.id)))
    return int(rows[0][0] or 0) if rows else 0


async def _rows(tracker_engine: AsyncEngine, statement: Select[Any]) -> Sequence[Row[Any]]:
    async with tracker_engine.connect() as connection:
        try:
            return (await connection.execute(statement)).all()
        except DBAPIError:
            await connection.rollback()
            if not await connection.run_sync(lambda sync: inspect(sync).has_table("events")):
                return []  # Rasa creates the table when it first starts
            raise
