"""The exchange logger follows the tracker store and loses nothing when the CRM fails."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_store.models import CommunicationRecord
from kefu.workers.exchange_logger import ExchangeLogger
from nlp.sentiment import SentimentModel
from tests.kefu.workers.test_tracker_events import write


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
    await write(tracker, sender, rows)


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


async def test_customer_messages_get_their_sentiment_on_the_logging_path(
    tracker: AsyncEngine, crm: async_sessionmaker[AsyncSession]
) -> None:
    await add_turn(tracker, "glad", 1000.0, "thank you, that is wonderful", "Happy to help!")
    await add_turn(tracker, "cross", 2000.0, "this is terrible, I am furious", "I'm sorry.")
    await ExchangeLogger(tracker, crm, score_sentiment=SentimentModel().score).catch_up()
    async with crm() as session:
        rows = (
            await session.execute(
                select(CommunicationRecord.text, CommunicationRecord.sentiment).order_by(
                    CommunicationRecord.id
                )
            )
        ).all()
    scores = dict(rows)
    assert scores["thank you, that is wonderful"] > 0.3
    assert scores["this is terrible, I am furious"] < -0.3
    # The bot's own messages are not the customer's mood.
    assert scores["Happy to help!"] is None and scores["I'm sorry."] is None


async def test_a_failing_scorer_costs_no_record(
    tracker: AsyncEngine, crm: async_sessionmaker[AsyncSession]
) -> None:
    def broken(text: str) -> float:
        raise RuntimeError("model file is corrupt")

    await add_turn(tracker, "alice", 1000.0, "hello", "Hi!")
    await ExchangeLogger(tracker, crm, score_sentiment=broken).catch_up()
    assert await count_records(crm) == 2


async def test_messages_are_scored_before_the_batch_writes_anything(
    tracker: AsyncEngine, crm: async_sessionmaker[AsyncSession]
) -> None:
    # Scoring between the batch's writes held SQLite's write lock, which the action server's
    # writes in a customer's turn waited for.
    order: list[str] = []

    def score(text: str) -> float:
        order.append("score")
        return 0.5

    class WatchedSessions:
        def __call__(self) -> AsyncSession:
            session = crm()
            event.listen(session.sync_session, "do_orm_execute", lambda _: order.append("sql"))
            return session

    await add_turn(tracker, "dora", 1000.0, "hello there", "Hi!")
    await add_turn(tracker, "emil", 2000.0, "where is my parcel?", "Let me check.")
    logger = ExchangeLogger(tracker, WatchedSessions(), score_sentiment=score)  # type: ignore[arg-type]
    assert await logger.catch_up() == 4
    assert order.count("score") == 2 and "sql" in order
    assert order.index("sql") > max(i for i, step in enumerate(order) if step == "score")
