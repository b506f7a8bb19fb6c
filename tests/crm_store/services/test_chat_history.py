"""A web chat's earlier messages: one sender's, in order, as the customer saw them."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.models import Conversation, Direction
from crm_store.services.chat_history import ChatButton, chat_history
from tests.crm_store.services.logged import record

Sessions = async_sessionmaker[AsyncSession]
STARTED = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def _chat(sender_id: str, session_started_at: float, hour: int) -> Conversation:
    return Conversation(
        sender_id=sender_id,
        session_started_at=session_started_at,
        channel="socketio",
        started_at=STARTED.replace(hour=hour),
    )


async def test_every_session_of_the_sender_in_order_with_buttons_pressed_by_title(
    crm: Sessions,
) -> None:
    first, second, other = _chat("web-a", 1.0, 9), _chat("web-a", 2.0, 11), _chat("web-b", 3.0, 10)
    async with crm() as session, session.begin():
        session.add_all([first, second, other])
        session.add_all(
            [
                record(second, Direction.user, "me again", 0),
                record(first, Direction.user, "cancel KF-500001", 0),
                record(first, Direction.bot, "Cancel it?", 1, extra={"buttons": YES_NO}),
                record(first, Direction.user, "/affirm", 2),
                record(first, Direction.user, "/affirm", 3),  # typed, no button offered
                record(first, Direction.agent, "Done by hand.", 4),
                record(other, Direction.user, "not mine", 0),
            ]
        )
    async with crm() as session:
        lines = await chat_history(session, "web-a")
        assert await chat_history(session, "web-nobody") == []
        newest = await chat_history(session, "web-a", limit=2)
    assert [(line.sender, line.text) for line in lines] == [
        ("user", "cancel KF-500001"),
        ("bot", "Cancel it?"),
        ("user", "Yes"),
        ("user", "/affirm"),
        ("agent", "Done by hand."),
        ("user", "me again"),
    ]
    assert lines[1].buttons == [ChatButton("Yes", "/affirm"), ChatButton("No", "/deny")]
    assert [line.text for line in newest] == ["Done by hand.", "me again"]
