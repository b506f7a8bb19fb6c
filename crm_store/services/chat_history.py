"""A web chat's earlier messages, as the customer saw them, read from the exchange log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.models import CommunicationRecord, Conversation, Direction

MAX_HISTORY_MESSAGES = 200


@dataclass(frozen=True)
class ChatButton:
    title: str
    payload: str


@dataclass(frozen=True)
class ChatLine:
    """One message of the chat: who sent it (user, bot or agent), its text and its buttons."""

    sender: str
    text: str
    sent_at: datetime
    buttons: list[ChatButton] = field(default_factory=list)


def _buttons(extra: dict[str, Any]) -> list[ChatButton]:
    """The buttons a bot message offered (Rasa's `buttons`, or a channel's `quick_replies`)."""
    offered = extra.get("buttons") or extra.get("quick_replies") or []
    if not isinstance(offered, list):
        return []
    return [
        ChatButton(str(button["title"]), str(button["payload"]))
        for button in offered
        if isinstance(button, dict) and button.get("title") and button.get("payload")
    ]


async def chat_history(
    session: AsyncSession, sender_id: str, limit: int = MAX_HISTORY_MESSAGES
) -> list[ChatLine]:
    """The last `limit` messages of every conversation of `sender_id`, oldest first.

    A button the customer pressed was logged as its payload (`/inform{"rating":5}`); it is shown
    again as the title they pressed, as the page showed it.
    """
    rows = await session.execute(
        select(
            CommunicationRecord.direction,
            CommunicationRecord.text,
            CommunicationRecord.sent_at,
            CommunicationRecord.extra,
        )
        .join(Conversation, Conversation.id == CommunicationRecord.conversation_id)
        .where(Conversation.sender_id == sender_id)
        .order_by(CommunicationRecord.sent_at.desc(), CommunicationRecord.id.desc())
        .limit(limit)
    )
    lines: list[ChatLine] = []
    offered: dict[str, str] = {}
    for direction, text, sent_at, extra in reversed(rows.all()):
        if direction is Direction.user:
            lines.append(ChatLine("user", offered.get(text.strip(), text), sent_at))
            offered = {}
            continue
        buttons = _buttons(extra if isinstance(extra, dict) else {})
        if buttons:
            offered = {button.payload: button.title for button in buttons}
        lines.append(ChatLine(direction.value, text, sent_at, buttons))
    return lines
