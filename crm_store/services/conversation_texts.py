"""Each conversation's customer messages as one text, for the similar-conversation index."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.models import CommunicationRecord, Conversation, Direction


async def conversation_texts(
    session: AsyncSession, limit: int = 5000, ids: list[int] | None = None
) -> list[tuple[int, str]]:
    """(conversation id, its customer messages joined) for `ids`, else the `limit` newest."""
    if ids is None:
        chosen = select(Conversation.id).order_by(Conversation.id.desc()).limit(limit)
        ids = list(await session.scalars(chosen))
    if not ids:
        return []
    rows = await session.execute(
        select(CommunicationRecord.conversation_id, CommunicationRecord.text)
        .where(
            CommunicationRecord.conversation_id.in_(ids),
            CommunicationRecord.direction == Direction.user,
        )
        .order_by(CommunicationRecord.conversation_id, CommunicationRecord.sent_at)
    )
    texts: dict[int, list[str]] = defaultdict(list)
    for conversation_id, text in rows.all():
        texts[conversation_id].append(text)
    return [(i, " ".join(texts[i])) for i in ids if texts.get(i)]
