"""The live handoff on the CRM side: the agents' queue, taking a conversation, the agent's replies,
handing back and resolving.

The steps and their times (migration 0006):

    bot --mark_handoff--> handoff --take--> agent --hand_back--> bot
                                                  --resolve-->   resolved

Taking is one conditional UPDATE (status 'handoff' and nobody assigned), so of two agents
racing for a conversation exactly one changes the row; the other gets `Conflict`. The Rasa
side (pausing the bot, delivering the reply) is the console's job; these functions only keep
the record and work inside the caller's transaction (see crm_store.services).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from crm_store.errors import Conflict, InvalidValue, NotFound
from crm_store.models import (
    AgentUser,
    CommunicationRecord,
    Conversation,
    ConversationStatus,
    Customer,
    Direction,
    utcnow,
)
from crm_store.services._common import value_of

# The queue lists what waits and what agents hold; resolved and handed back ones leave it.
QUEUE_STATUSES = (ConversationStatus.handoff, ConversationStatus.agent)
MAX_REPLY_CHARS = 4000
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class QueueItem:
    id: int
    sender_id: str
    channel: str
    status: str
    reason: str | None
    handoff_at: datetime | None
    taken_at: datetime | None
    customer_id: int | None
    customer: str | None
    assignee_id: int | None
    assignee: str | None


@dataclass(frozen=True)
class HandoffState:
    """What the console needs to act on a conversation: Rasa's sender id and who holds it."""

    id: int
    sender_id: str
    channel: str
    status: str
    assignee_id: int | None


async def handoff_queue(session: AsyncSession, limit: int = QUEUE_LIMIT) -> list[QueueItem]:
    """Waiting conversations first (longest wait first), then those agents hold."""
    assignee = aliased(AgentUser)
    rows = await session.execute(
        select(
            Conversation.id,
            Conversation.sender_id,
            Conversation.channel,
            Conversation.status,
            Conversation.handoff_reason,
            Conversation.handoff_at,
            Conversation.taken_at,
            Conversation.customer_id,
            Customer.first_name,
            Customer.last_name,
            Conversation.assignee_id,
            assignee.display_name,
        )
        .outerjoin(Customer, Customer.id == Conversation.customer_id)
        .outerjoin(assignee, assignee.id == Conversation.assignee_id)
        .where(Conversation.status.in_(QUEUE_STATUSES))
        .order_by(
            (Conversation.status == ConversationStatus.agent),
            Conversation.handoff_at.is_(None),
            Conversation.handoff_at,
            Conversation.id,
        )
        .limit(limit)
    )
    return [
        QueueItem(
            id=row.id,
            sender_id=row.sender_id,
            channel=row.channel,
            status=value_of(row.status),
            reason=row.handoff_reason,
            handoff_at=row.handoff_at,
            taken_at=row.taken_at,
            customer_id=row.customer_id,
            customer=(f"{row.first_name} {row.last_name}" if row.customer_id is not None else None),
            assignee_id=row.assignee_id,
            assignee=row.display_name,
        )
        for row in rows.all()
    ]


async def handoff_state(session: AsyncSession, conversation_id: int) -> HandoffState:
    row = (
        await session.execute(
            select(
                Conversation.id,
                Conversation.sender_id,
                Conversation.channel,
                Conversation.status,
                Conversation.assignee_id,
            ).where(Conversation.id == conversation_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"No conversation {conversation_id}.")
    return HandoffState(row.id, row.sender_id, row.channel, value_of(row.status), row.assignee_id)


async def take(session: AsyncSession, conversation_id: int, agent_id: int) -> HandoffState:
    """Assign the waiting conversation to the agent; Conflict if it is not waiting any more."""
    taken = await session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_id,
            Conversation.status == ConversationStatus.handoff,
            Conversation.assignee_id.is_(None),
        )
        .values(status=ConversationStatus.agent, assignee_id=agent_id, taken_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    state = await handoff_state(session, conversation_id)  # NotFound for an unknown id
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        if state.status == ConversationStatus.agent.value:
            raise Conflict("Another agent has already taken this conversation.")
        raise Conflict(f"This conversation is not waiting for an agent (it is {state.status}).")
    return state


async def requeue(session: AsyncSession, conversation_id: int, agent_id: int) -> None:
    """Undo a take the bot could not be paused for: back in the queue, in its old place."""
    await session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_id,
            Conversation.status == ConversationStatus.agent,
            Conversation.assignee_id == agent_id,
        )
        .values(status=ConversationStatus.handoff, assignee_id=None, taken_at=None)
        .execution_options(synchronize_session=False)
    )


async def held_by(session: AsyncSession, conversation_id: int, agent_id: int) -> HandoffState:
    """The conversation, if this agent holds it; Conflict otherwise (nobody, or someone else)."""
    state = await handoff_state(session, conversation_id)
    if state.status != ConversationStatus.agent.value or state.assignee_id != agent_id:
        raise Conflict("Take the conversation before replying, handing back or resolving.")
    return state


def check_reply(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidValue("text", "Write a reply first.")
    if len(text) > MAX_REPLY_CHARS:
        raise InvalidValue("text", f"A reply can be at most {MAX_REPLY_CHARS} characters.")
    return text.strip()


async def note_agent_reply(session: AsyncSession, conversation_id: int) -> None:
    """Remember when the agent first answered (the metric's end); later replies change nothing.

    The reply itself reaches the exchange log through the tracker store like every message.
    """
    now = utcnow()
    await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.first_agent_reply_at.is_(None))
        .values(first_agent_reply_at=now, last_message_at=now)
        .execution_options(synchronize_session=False)
    )


async def _finish(
    session: AsyncSession, conversation_id: int, agent_id: int, **values: object
) -> HandoffState:
    finished = await session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_id,
            Conversation.status == ConversationStatus.agent,
            Conversation.assignee_id == agent_id,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if finished.rowcount != 1:  # type: ignore[attr-defined]
        await held_by(session, conversation_id, agent_id)  # says why (NotFound or Conflict)
    return await handoff_state(session, conversation_id)


async def hand_back(session: AsyncSession, conversation_id: int, agent_id: int) -> HandoffState:
    """The bot answers again; the agent stays recorded as the one who handled it."""
    return await _finish(
        session,
        conversation_id,
        agent_id,
        status=ConversationStatus.bot,
        handed_back_at=utcnow(),
    )


async def resolve(session: AsyncSession, conversation_id: int, agent_id: int) -> HandoffState:
    now = utcnow()
    return await _finish(
        session,
        conversation_id,
        agent_id,
        status=ConversationStatus.resolved,
        resolved_at=now,
        ended_at=now,
    )


@dataclass(frozen=True)
class SuggestedReply:
    conversation_id: int
    text: str


async def suggested_reply(session: AsyncSession, similar_ids: list[int]) -> SuggestedReply | None:
    """A reply for the agent to start from: from the most similar resolved conversation, what
    its agent first answered (or, resolved without an agent, the bot's last answer)."""
    if not similar_ids:
        return None
    resolved = set(
        await session.scalars(
            select(Conversation.id).where(
                Conversation.id.in_(similar_ids),
                Conversation.status == ConversationStatus.resolved,
            )
        )
    )
    for conversation_id in similar_ids:
        if conversation_id not in resolved:
            continue
        rows = (
            await session.execute(
                select(CommunicationRecord.direction, CommunicationRecord.text)
                .where(
                    CommunicationRecord.conversation_id == conversation_id,
                    CommunicationRecord.direction.in_((Direction.agent, Direction.bot)),
                )
                .order_by(CommunicationRecord.sent_at, CommunicationRecord.id)
            )
        ).all()
        agent = [text for direction, text in rows if value_of(direction) == "agent" and text]
        bot = [text for direction, text in rows if value_of(direction) == "bot" and text]
        if agent or bot:
            return SuggestedReply(conversation_id, agent[0] if agent else bot[-1])
    return None
