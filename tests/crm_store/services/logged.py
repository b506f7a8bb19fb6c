"""Two logged conversations to read back: a happy one that said goodbye, a stuck one handed off."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.models import (
    CommunicationRecord,
    Conversation,
    ConversationStatus,
    Direction,
    Feedback,
)
from crm_store.services.snapshots import ConversationSignals

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
# What the bot's names mean, as the running system tells the store (kefu.rasa_project).
SIGNALS = ConversationSignals(frozenset({"nlu_fallback"}), ("goodbye", "thank"))


def record(
    conversation: Conversation, direction: Direction, text: str, minute: int, **fields: object
) -> CommunicationRecord:
    """A message `minute` minutes into `conversation`, on its channel; `fields` set the rest."""
    key = hashlib.sha256(f"{conversation.sender_id}{minute}{text}".encode()).hexdigest()
    return CommunicationRecord(
        conversation=conversation,
        direction=direction,
        text=text,
        sent_at=conversation.started_at + timedelta(minutes=minute),
        channel=conversation.channel,
        entities=fields.pop("entities", []),
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
