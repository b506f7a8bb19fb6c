"""Conversations for the console's services and pages: varied channels, intents, scores, and a
customer message full of HTML that must come back as text everywhere."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.models import (
    Conversation,
    ConversationStatus,
    Direction,
    Feedback,
)
from tests.crm_store.services.logged import record

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
HOSTILE = '<script>alert("x")</script><b>bold</b> & my parcel'


def _conversations() -> tuple[Conversation, Conversation, Conversation]:
    parcel = Conversation(
        sender_id="parcel",
        session_started_at=1.0,
        channel="rest",
        customer_id=1,
        started_at=NOW - timedelta(days=2),
        ended_at=NOW - timedelta(days=2) + timedelta(minutes=5),
        status=ConversationStatus.resolved,
        topic="delivery",
        satisfaction=4.2,
    )
    refund = Conversation(
        sender_id="refund",
        session_started_at=2.0,
        channel="socketio",
        customer_id=2,
        started_at=NOW - timedelta(days=1),
        status=ConversationStatus.handoff,
        handoff_reason="asked for a human",
        topic="refunds",
        satisfaction=1.8,
    )
    hostile = Conversation(
        sender_id="hostile",
        session_started_at=3.0,
        channel="telegram",
        started_at=NOW,
        topic="delivery",
    )
    return parcel, refund, hostile


async def add_console_conversations(session: AsyncSession) -> dict[str, int]:
    """Three conversations on three days; returns their ids by name."""
    parcel, refund, hostile = _conversations()
    session.add_all([parcel, refund, hostile])
    session.add_all(
        [
            record(parcel, Direction.bot, "Hello! How can I help?", 0),
            record(
                parcel,
                Direction.user,
                "where is my parcel, the courier is late",
                1,
                intent="order_status",
                confidence=0.93,
                sentiment=-0.1,
                entities=[{"entity": "order", "value": "KF-1"}],
            ),
            record(parcel, Direction.bot, "It arrives tomorrow.", 2),
            record(parcel, Direction.user, "great thanks", 3, intent="thank", sentiment=0.8),
            record(
                refund,
                Direction.user,
                "I want my money back for the broken kettle",
                0,
                intent="request_refund",
                confidence=0.41,
                sentiment=-0.7,
            ),
            record(refund, Direction.bot, "Let me get a colleague.", 1),
            record(refund, Direction.user, "blorp", 2, intent="nlu_fallback", confidence=0.2),
            record(hostile, Direction.user, HOSTILE, 0, intent="greet", confidence=0.7),
        ]
    )
    session.add(Feedback(conversation=parcel, customer_id=1, csat=5, nps=9))
    session.add(Feedback(conversation=refund, customer_id=2, csat=2, nps=3))
    await session.flush()
    return {"parcel": parcel.id, "refund": refund.id, "hostile": hostile.id}
