"""The live handoff's record: the queue, one winner when agents race to take, and the times the
metrics are read from."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from crm_store.errors import Conflict, NotFound
from crm_store.models import AgentUser, Conversation
from crm_store.services.conversations import ConversationKey, mark_handoff
from crm_store.services.handoff import (
    hand_back,
    handoff_queue,
    note_agent_reply,
    resolve,
    take,
)
from tests.databases import Sessions


async def _agents(crm: Sessions, *names: str) -> list[int]:
    async with crm() as session, session.begin():
        users = [
            AgentUser(
                username=name,
                email=f"{name}@console.invalid",
                display_name=name.title(),
                password_hash="not-a-real-hash",
            )
            for name in names
        ]
        session.add_all(users)
        await session.flush()
        return [user.id for user in users]


async def _handed_off(crm: Sessions, sender: str = "carol") -> int:
    async with crm() as session, session.begin():
        await mark_handoff(session, ConversationKey(sender, 7.5, "socketio"), "asked for a human")
        return int(
            await session.scalar(select(Conversation.id).where(Conversation.sender_id == sender))
        )


async def test_take_reply_hand_back_keeps_the_times(crm: Sessions) -> None:
    (ann,) = await _agents(crm, "ann")
    conversation_id = await _handed_off(crm)
    async with crm() as session:
        queue = await handoff_queue(session)
    assert [(q.id, q.status, q.reason, q.assignee) for q in queue] == [
        (conversation_id, "handoff", "asked for a human", None)
    ]
    async with crm() as session, session.begin():
        state = await take(session, conversation_id, ann)
        await note_agent_reply(session, conversation_id)
        await note_agent_reply(session, conversation_id)
    assert state.sender_id == "carol" and state.status == "agent"
    async with crm() as session:
        queue = await handoff_queue(session)
        first_reply = await session.scalar(select(Conversation.first_agent_reply_at))
    assert [(q.status, q.assignee) for q in queue] == [("agent", "Ann")]
    async with crm() as session, session.begin():
        await note_agent_reply(session, conversation_id)  # a later reply: the first one counts
        await hand_back(session, conversation_id, ann)
    async with crm() as session:
        row = await session.get(Conversation, conversation_id)
        assert await handoff_queue(session) == []
    assert row is not None and row.status == "bot" and row.assignee_id == ann
    assert row.handoff_at <= row.taken_at <= row.first_agent_reply_at <= row.handed_back_at
    assert row.first_agent_reply_at == first_reply


async def test_only_the_holder_replies_hands_back_or_resolves(crm: Sessions) -> None:
    ann, bob = await _agents(crm, "ann", "bob")
    conversation_id = await _handed_off(crm)
    with pytest.raises(Conflict):  # nobody holds it yet
        async with crm() as session, session.begin():
            await resolve(session, conversation_id, ann)
    async with crm() as session, session.begin():
        await take(session, conversation_id, ann)
    with pytest.raises(Conflict, match="already taken"):
        async with crm() as session, session.begin():
            await take(session, conversation_id, bob)
    with pytest.raises(Conflict):
        async with crm() as session, session.begin():
            await hand_back(session, conversation_id, bob)
    with pytest.raises(NotFound):
        async with crm() as session, session.begin():
            await take(session, conversation_id + 100, bob)
    async with crm() as session, session.begin():
        state = await resolve(session, conversation_id, ann)
    assert state.status == "resolved"
    async with crm() as session:
        row = await session.get(Conversation, conversation_id)
    assert row is not None and row.resolved_at is not None and row.ended_at == row.resolved_at


async def test_a_conversation_with_an_agent_stays_theirs_when_asked_again(crm: Sessions) -> None:
    (ann,) = await _agents(crm, "ann")
    conversation_id = await _handed_off(crm)
    async with crm() as session, session.begin():
        await take(session, conversation_id, ann)
    await _handed_off(crm)  # "human" again while the agent is on it
    async with crm() as session:
        row = await session.get(Conversation, conversation_id)
    assert row is not None and row.status == "agent" and row.assignee_id == ann


async def test_two_agents_racing_to_take_one_wins(crm_pool: Sessions) -> None:
    agents = await _agents(crm_pool, "ann", "bob", "cy", "dee")
    conversation_id = await _handed_off(crm_pool)

    async def attempt(agent_id: int) -> int | None:
        try:
            async with crm_pool() as session, session.begin():
                await take(session, conversation_id, agent_id)
        except Conflict:
            return None
        return agent_id

    results = await asyncio.gather(*(attempt(agent) for agent in agents))
    winners = [agent for agent in results if agent is not None]
    assert len(winners) == 1
    async with crm_pool() as session:
        row = await session.get(Conversation, conversation_id)
    assert row is not None and row.assignee_id == winners[0] and row.status == "agent"
