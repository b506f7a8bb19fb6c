"""Plain-data snapshots for the NLP layer, and the scores written back."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.models import (
    CommunicationRecord,
    Conversation,
    ConversationStatus,
    Direction,
    Feedback,
)
from crm_store.services.snapshots import (
    conversation_snapshots,
    conversations_said_goodbye,
    conversations_to_end,
    customer_snapshots,
    feedback_snapshots,
    order_snapshots,
    records_without_sentiment,
    save_conversation_scores,
    save_sentiments,
    ticket_snapshots,
)

Sessions = async_sessionmaker[AsyncSession]
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def record(
    conversation: Conversation, direction: Direction, text: str, minute: int, **fields: object
) -> CommunicationRecord:
    key = hashlib.sha256(f"{conversation.sender_id}{minute}{text}".encode()).hexdigest()
    return CommunicationRecord(
        conversation=conversation,
        direction=direction,
        text=text,
        sent_at=NOW + timedelta(minutes=minute),
        channel="rest",
        entities=[],
        extra=fields.pop("extra", {}),
        source_key=key,
        **fields,
    )


async def add_conversations(session: AsyncSession) -> tuple[int, int]:
    happy = Conversation(
        sender_id="happy", session_started_at=1.0, channel="rest", customer_id=1, started_at=NOW
    )
    stuck = Conversation(
        sender_id="stuck",
        session_started_at=2.0,
        channel="socketio",
        status=ConversationStatus.handoff,
        handoff_reason="asked for a human",
        started_at=NOW,
    )
    session.add_all([happy, stuck])
    session.add_all(
        [
            record(happy, Direction.user, "where is my order", 0, intent="order_status"),
            record(happy, Direction.bot, "It is on its way.", 1),
            record(happy, Direction.user, "thanks, bye", 2, intent="goodbye"),
            record(happy, Direction.bot, "Goodbye!", 3, extra={"utter_action": "utter_goodbye"}),
            record(stuck, Direction.user, "asdf qwer", 0, intent="nlu_fallback"),
            record(stuck, Direction.bot, "Sorry?", 1, extra={"utter_action": "utter_default"}),
            record(stuck, Direction.user, "zzz", 2, intent="nlu_fallback"),
            record(stuck, Direction.agent, "Hi, I am Sam from the team.", 3),
        ]
    )
    await session.flush()
    session.add(Feedback(conversation_id=happy.id, customer_id=1, csat=5, comment="great"))
    await session.flush()
    for conversation, last in ((happy, 3), (stuck, 3)):
        conversation.last_message_at = NOW + timedelta(minutes=last)
    return happy.id, stuck.id


async def test_conversation_snapshots_have_turns_outcome_and_rating(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        happy_id, stuck_id = await add_conversations(session)
    async with seeded() as session:
        snapshots = {s["id"]: s for s in await conversation_snapshots(session)}
        only_one = await conversation_snapshots(session, [stuck_id])
        none = await conversation_snapshots(session, [])
    happy, stuck = snapshots[str(happy_id)], snapshots[str(stuck_id)]
    assert [t["speaker"] for t in happy["turns"]] == ["customer", "assistant"] * 2
    assert happy["turns"][0] == {
        "speaker": "customer",
        "text": "where is my order",
        "intent": "order_status",
        "confidence": None,
    }
    assert (happy["outcome"], happy["csat"], happy["handoff"]) == ("resolved", 5, False)
    assert happy["customer_id"] == "1"
    assert (stuck["outcome"], stuck["csat"], stuck["handoff"]) == ("handoff", None, True)
    assert stuck["fallbacks"] == 2
    assert stuck["turns"][-1]["speaker"] == "agent"
    assert [s["id"] for s in only_one] == [str(stuck_id)]
    assert none == []


async def test_goodbye_and_idle_conversations_are_due_to_end(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        happy_id, stuck_id = await add_conversations(session)
    async with seeded() as session:
        said_goodbye = await conversations_said_goodbye(session)
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
        assert await conversations_said_goodbye(session) == []
        assert await conversations_to_end(session, NOW + timedelta(hours=1)) == [stuck_id]


async def test_customer_order_ticket_and_feedback_snapshots(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        await add_conversations(session)
    async with seeded() as session:
        customers = await customer_snapshots(session)
        orders = await order_snapshots(session)
        tickets = await ticket_snapshots(session)
        feedback = await feedback_snapshots(session)
    assert len(customers) == 500 and customers[0]["id"] == "1"
    assert len(orders) >= 3000 and all(o["items"] for o in orders)
    order = orders[0]
    assert abs(sum(i["quantity"] * i["price"] for i in order["items"]) - order["amount"]) < 0.05
    assert {o["status"] for o in orders} >= {"delivered", "cancelled", "returned"}
    assert len(tickets) >= 800 and tickets[0]["category"] and tickets[0]["text"].strip()
    assert [(f["csat"], f["comment"]) for f in feedback] == [(5, "great")]


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
