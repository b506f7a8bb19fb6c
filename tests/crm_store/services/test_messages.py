"""The exchange log's CRM side: records written once by their key, and agents' own messages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from crm_store.errors import InvalidValue, NotFound
from crm_store.models import CommunicationRecord, Conversation, Direction
from crm_store.services.conversations import get_or_create_conversation
from crm_store.services.messages import (
    SENDERS_PER_LOOKUP,
    NewRecord,
    insert_records,
    latest_session_ref,
    latest_session_refs,
    record_agent_message,
    touch_last_messages,
)
from tests.databases import Sessions

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


async def records(crm: Sessions) -> list[CommunicationRecord]:
    async with crm() as session:
        return list(
            await session.scalars(select(CommunicationRecord).order_by(CommunicationRecord.id))
        )


def a_record(conversation_id: int, key: str, text: str) -> NewRecord:
    return NewRecord(conversation_id, None, "rest", Direction.user, text, T0, key, intent="x" * 300)


async def test_a_record_is_written_once_whatever_the_replays(crm: Sessions) -> None:
    async with crm() as session, session.begin():
        conversation_id = await get_or_create_conversation(session, "ann", 1.0, "rest")
        first = await insert_records(
            session, [a_record(conversation_id, "k1", "hi"), a_record(conversation_id, "k2", "yo")]
        )
        again = await insert_records(session, [a_record(conversation_id, "k1", "hi")])
    assert (first, again) == (2, 0)
    stored = await records(crm)
    assert [r.text for r in stored] == ["hi", "yo"]
    assert len(stored[0].intent or "") == 100  # cut to the column's size


async def test_many_senders_latest_conversations_are_looked_up_together(crm: Sessions) -> None:
    senders = [f"s{number}" for number in range(SENDERS_PER_LOOKUP + 8)]  # more than one lookup
    async with crm() as session, session.begin():
        for sender in senders:
            for started in (1.0, 5.0):
                await get_or_create_conversation(session, sender, started, "rest")
    # Half in their first session, half in their second; one before any session; one unknown.
    first_seen = {sender: 3.0 if n % 2 else 9.0 for n, sender in enumerate(senders)}
    first_seen.update({"s0": 0.5, "nobody": 9.0})
    async with crm() as session:
        found = await latest_session_refs(session, first_seen)
        nobody = await latest_session_refs(session, {})
        one_by_one = {
            sender: ref
            for sender, at in first_seen.items()
            if (ref := await latest_session_ref(session, sender, at)) is not None
        }
        conversation_of = {
            (c.sender_id, c.session_started_at): c.id
            for c in await session.scalars(select(Conversation))
        }
    assert found == one_by_one
    assert nobody == {}
    assert set(found) == set(senders) - {"s0"}
    assert found["s1"].id == conversation_of["s1", 1.0]
    assert found["s2"].id == conversation_of["s2", 5.0]


async def test_last_message_time_only_moves_forward(crm: Sessions) -> None:
    async with crm() as session, session.begin():
        ben = await get_or_create_conversation(session, "ben", 1.0, "rest")
        cleo = await get_or_create_conversation(session, "cleo", 1.0, "rest")
        await touch_last_messages(session, {ben: T0, cleo: T0 - timedelta(minutes=5)})
        await touch_last_messages(session, {ben: T0 - timedelta(minutes=5), cleo: T0})
        await touch_last_messages(session, {})
    async with crm() as session:
        found = {
            conversation_id: (await session.get(Conversation, conversation_id))
            for conversation_id in (ben, cleo)
        }
        assert {key: c and c.last_message_at for key, c in found.items()} == {ben: T0, cleo: T0}


async def test_agent_messages(crm: Sessions) -> None:
    async with crm() as session, session.begin():
        conversation_id = await get_or_create_conversation(session, "carol", 1.0, "rest")
        first = await record_agent_message(session, conversation_id, None, "Hi, I'm Sam.")
        second = await record_agent_message(session, conversation_id, None, "Hi, I'm Sam.")
        with pytest.raises(InvalidValue):
            await record_agent_message(session, conversation_id, None, "  ")
        with pytest.raises(NotFound):
            await record_agent_message(session, 424242, None, "hello")
        with pytest.raises(NotFound):
            await record_agent_message(session, conversation_id, 424242, "hello")
    assert first != second
    assert [(r.direction, r.text) for r in await records(crm)] == [
        ("agent", "Hi, I'm Sam."),
        ("agent", "Hi, I'm Sam."),
    ]
