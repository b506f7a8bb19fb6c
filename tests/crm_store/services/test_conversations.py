"""Conversation services: one row per Rasa session, handoff, one feedback per conversation.

(Named *_service so it cannot clash with tests/integration/test_conversations.py: tests/ is not
a package, so test module names must be unique.)
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from crm_store.errors import AlreadyRated, InvalidValue
from crm_store.models import Conversation, Feedback
from crm_store.services.conversations import (
    ConversationKey,
    get_or_create_conversation,
    mark_handoff,
    save_feedback,
)
from tests.databases import Sessions


async def test_get_or_create_returns_the_same_conversation(crm: Sessions) -> None:
    async with crm() as session, session.begin():
        first = await get_or_create_conversation(session, "alice", 1700000000.25, "rest")
    async with crm() as session, session.begin():
        again = await get_or_create_conversation(session, "alice", 1700000000.25, "rest")
        other_session = await get_or_create_conversation(session, "alice", 1700000999.0, "rest")
        before_any = await get_or_create_conversation(session, "alice", 0.0, "unknown")
    assert first == again
    assert len({first, other_session, before_any}) == 3


async def test_concurrent_creation_makes_one_row(crm_pool: Sessions) -> None:
    crm = crm_pool

    async def create() -> int:
        async with crm() as session, session.begin():
            return await get_or_create_conversation(session, "racer", 42.0, "socketio")

    ids = await asyncio.gather(*(create() for _ in range(8)))
    assert len(set(ids)) == 1
    async with crm() as session:
        count = await session.scalar(select(func.count()).select_from(Conversation))
    assert count == 1


async def test_a_known_channel_replaces_unknown(crm: Sessions) -> None:
    async with crm() as session, session.begin():
        conversation_id = await get_or_create_conversation(session, "bob", 1.0, "unknown")
        await get_or_create_conversation(session, "bob", 1.0, "telegram")
    async with crm() as session:
        conversation = await session.get(Conversation, conversation_id)
    assert conversation is not None and conversation.channel == "telegram"


@pytest.mark.parametrize(("sender", "started"), [("", 1.0), ("x" * 256, 1.0), ("a", float("nan"))])
async def test_bad_conversation_keys_are_refused(
    crm: Sessions, sender: str, started: float
) -> None:
    async with crm() as session, session.begin():
        with pytest.raises(InvalidValue):
            await get_or_create_conversation(session, sender, started, "rest")


async def test_mark_handoff(crm: Sessions) -> None:
    async with crm() as session, session.begin():
        await mark_handoff(
            session, ConversationKey("carol", 7.5, "rest"), "customer asked for a human"
        )
    async with crm() as session:
        conversation = await session.scalar(select(Conversation))
    assert conversation is not None
    assert conversation.status == "handoff"
    assert conversation.handoff_reason == "customer asked for a human"


async def test_save_feedback_once_per_conversation(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        await save_feedback(
            session, ConversationKey("dave", 3.0, "rest"), 5, "  Quick and kind <3  ", 1
        )
    with pytest.raises(AlreadyRated):
        async with seeded() as session, session.begin():
            await save_feedback(
                session, ConversationKey("dave", 3.0, "rest"), 1, "changed my mind", 1
            )
    async with seeded() as session:
        feedback = (await session.scalars(select(Feedback))).all()
        conversation = await session.scalar(select(Conversation))
    assert [(f.csat, f.comment, f.customer_id) for f in feedback] == [(5, "Quick and kind <3", 1)]
    assert conversation is not None and conversation.customer_id == 1


async def test_save_feedback_accepts_a_float_slot_value_and_no_comment(crm: Sessions) -> None:
    async with crm() as session, session.begin():
        await save_feedback(session, ConversationKey("erin", 0.0, "rest"), 4.0, None, None)
        await save_feedback(
            session, ConversationKey("erin", 9.0, "rest"), 3, "   ", 12345
        )  # unknown customer
    async with crm() as session:
        rows = (
            await session.execute(select(Feedback.csat, Feedback.comment, Feedback.customer_id))
        ).all()
    assert sorted(rows) == [(3, None, None), (4, None, None)]


@pytest.mark.parametrize("csat", [0, 6, -1, 4.5, True, "5", None])
async def test_save_feedback_refuses_ratings_outside_1_to_5(crm: Sessions, csat: object) -> None:
    with pytest.raises(InvalidValue) as raised:
        async with crm() as session, session.begin():
            await save_feedback(session, ConversationKey("fay", 1.0, "rest"), csat, None, None)  # type: ignore[arg-type]
    assert raised.value.field == "csat"
    async with crm() as session:
        assert await session.scalar(select(func.count()).select_from(Feedback)) == 0


async def test_concurrent_ratings_store_exactly_one(crm_pool: Sessions) -> None:
    crm = crm_pool

    async def rate(stars: int) -> str:
        try:
            async with crm() as session, session.begin():
                await save_feedback(session, ConversationKey("gil", 2.0, "rest"), stars, None, None)
            return "saved"
        except AlreadyRated:
            return "already"

    results = await asyncio.gather(*(rate(stars) for stars in (1, 2, 3, 4, 5)))
    assert sorted(results) == ["already"] * 4 + ["saved"]
