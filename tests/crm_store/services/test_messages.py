"""The exchange log's CRM side: records written once by their key, and agents' own messages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from crm_store.errors import InvalidValue, NotFound
from crm_store.models import CommunicationRecord, Conversation, Direction
from crm_store.services.conversations import get_or_create_conversation
from crm_store.services.messages import (
    NewRecord,
    insert_records,
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
