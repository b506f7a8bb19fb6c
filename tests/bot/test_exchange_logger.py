"""The exchange logger follows the tracker store and loses nothing when the CRM fails."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.exchange_logger import ExchangeLogger
from crm_store.db import create_engine, create_sessionmaker
from crm_store.models import Base, CommunicationRecord

# The table Rasa's SQL tracker store writes (rasa/core/tracker_store.py, SQLTrackerStore.SQLEvent).
tracker_metadata = MetaData()
events = Table(
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


@pytest_asyncio.fixture
async def tracker(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(tracker_metadata.create_all)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def crm(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(f"sqlite:///{tmp_path / 'crm.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def add_turn(tracker: AsyncEngine, sender: str, start: float, user: str, bot: str) -> None:
    rows = [
        ("session_started", start, {"event": "session_started", "timestamp": start}),
        (
            "user",
            start + 1,
            {
                "event": "user",
                "timestamp": start + 1,
                "text": user,
                "input_channel": "rest",
                "parse_data": {"intent": {"name": "greet", "confidence": 0.97}, "entities": []},
            },
        ),
        ("bot", start + 2, {"event": "bot", "timestamp": start + 2, "text": bot, "data": {}}),
    ]
    async with tracker.begin() as connection:
        for type_name, timestamp, data in rows:
            await connection.execute(
                insert(events).values(
                    sender_id=sender,
                    type_name=type_name,
                    timestamp=timestamp,
                    data=json.dumps(data),
                )
            )


async def count_records(crm: async_sessionmaker[AsyncSession]) -> int:
    async with crm() as session:
        return int(await session.scalar(select(func.count()).select_from(CommunicationRecord)))


class FailingSessions:
    """A sessionmaker whose database is down."""

    def __call__(self) -> AsyncSession:
        raise ConnectionRefusedError("CRM database is down")


async def test_consume_logs_each_message_once_and_follows_new_events(
    tracker: AsyncEngine, crm: async_sessionmaker[AsyncSession]
) -> None:
    await add_turn(tracker, "alice", 1000.0, "hello", "Hi! How can I help?")
    logger = ExchangeLogger(tracker, crm)
    assert await logger.catch_up() == 2
    assert await count_records(crm) == 2

    await add_turn(tracker, "bob", 2000.0, "hi", "Hello!")
    assert await logger.catch_up() == 2
    assert await count_records(crm) == 4

    # A fresh logger starts from the first event (as after a restart): nothing is added twice.
    assert await ExchangeLogger(tracker, crm).catch_up() == 0
    assert await count_records(crm) == 4


async def test_a_crm_outage_loses_nothing(
    tracker: AsyncEngine, crm: async_sessionmaker[AsyncSession]
) -> None:
    await add_turn(tracker, "carol", 3000.0, "where is my parcel?", "Let me check.")
    logger = ExchangeLogger(tracker, FailingSessions())  # type: ignore[arg-type]
    with pytest.raises(ConnectionRefusedError):
        await logger.consume()
    assert logger.last_event_id == 0  # nothing was committed, so nothing is skipped

    logger.crm_sessions = crm
    assert await logger.catch_up() == 2
    async with crm() as session:
        texts = set((await session.scalars(select(CommunicationRecord.text))).all())
    assert texts == {"where is my parcel?", "Let me check."}
