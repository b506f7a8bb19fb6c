"""The conversation scorer's work queue: ended conversations, unscored messages, saved scores."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text

from crm_store.models import CommunicationRecord, Conversation, Direction
from crm_store.services.scoring import (
    conversations_ended_by,
    conversations_to_end,
    records_without_sentiment,
    save_conversation_scores,
    save_sentiments,
)
from tests.crm_store.services.logged import NOW, add_conversations
from tests.databases import Sessions

GOODBYE = {"utter_goodbye"}


async def test_goodbye_and_idle_conversations_are_due_to_end(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        happy_id, stuck_id = await add_conversations(session)
    async with seeded() as session:
        said_goodbye = await conversations_ended_by(session, GOODBYE)
        idle_before_they_started = await conversations_to_end(session, NOW)
        idle_now = await conversations_to_end(session, NOW + timedelta(hours=1))
    assert said_goodbye == [happy_id]
    assert idle_before_they_started == []
    assert sorted(idle_now) == sorted([happy_id, stuck_id])

    async with seeded() as session, session.begin():
        await save_conversation_scores(session, happy_id, "delivery · parcel", 4.6, NOW)
    async with seeded() as session:
        ended = await session.get(Conversation, happy_id)
        assert ended is not None
        assert (ended.topic, ended.satisfaction, ended.ended_at) == ("delivery · parcel", 4.6, NOW)
        # Once ended, it is due no more.
        assert await conversations_ended_by(session, GOODBYE) == []
        assert await conversations_to_end(session, NOW + timedelta(hours=1)) == [stuck_id]


async def test_unscored_customer_messages_are_found_and_saved(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        await add_conversations(session)
    async with seeded() as session:
        unscored = await records_without_sentiment(session)
    # Customer messages only: bot and agent messages carry no sentiment.
    assert [text for _, text in unscored] == [
        "where is my order",
        "thanks, bye",
        "asdf qwer",
        "zzz",
    ]
    async with seeded() as session, session.begin():
        await save_sentiments(session, {unscored[1][0]: 0.7})
    async with seeded() as session:
        assert [text for _, text in await records_without_sentiment(session, limit=2)] == [
            "where is my order",
            "asdf qwer",
        ]
        scored = await session.get(CommunicationRecord, unscored[1][0])
        assert scored is not None and scored.sentiment == 0.7


async def test_unscored_messages_query_uses_its_partial_index(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        dialect = session.bind.dialect
        # The statement records_without_sentiment runs, with its values inlined for EXPLAIN.
        statement = (
            select(CommunicationRecord.id, CommunicationRecord.text)
            .where(
                CommunicationRecord.direction == Direction.user,
                CommunicationRecord.sentiment.is_(None),
            )
            .order_by(CommunicationRecord.id)
            .limit(500)
        )
        sql = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        if dialect.name == "postgresql":
            # The demo CRM is small enough for a sequential scan to win; what matters is that
            # the index serves the question at all.
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = (await session.execute(text(f"EXPLAIN {sql}"))).scalars().all()
        else:
            plan = [row[-1] for row in await session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    assert any("ix_communication_records_unscored" in line for line in plan), plan
