"""Similar conversations from the NLP layer's TF-IDF index over recent customers' messages.

The index is built off the event loop from the latest conversations and rebuilt when it is
older than the configured age; a conversation outside the pool is matched by its own text.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.services.conversation_texts import conversation_texts
from nlp.similarity import SimilarityIndex


@dataclass(frozen=True)
class SimilarConversation:
    id: int
    score: float
    preview: str


class SimilarConversations:
    def __init__(self, pool: int, max_age_seconds: float) -> None:
        self.pool = pool
        self.max_age_seconds = max_age_seconds
        self._index: SimilarityIndex | None = None
        self._texts: dict[int, str] = {}
        self._built_at = 0.0
        self._lock = asyncio.Lock()

    async def _ready(self, sessions: async_sessionmaker[AsyncSession]) -> SimilarityIndex:
        async with self._lock:
            fresh = time.monotonic() - self._built_at < self.max_age_seconds
            if self._index is None or not fresh:
                async with sessions() as session:
                    texts = await conversation_texts(session, limit=self.pool)
                self._index = await asyncio.to_thread(_build, texts)
                self._texts = dict(texts)
                self._built_at = time.monotonic()
            return self._index

    async def find(
        self, sessions: async_sessionmaker[AsyncSession], conversation_id: int, k: int = 5
    ) -> list[SimilarConversation]:
        index = await self._ready(sessions)
        text = self._texts.get(conversation_id)
        if text is None:
            async with sessions() as session:
                own = await conversation_texts(session, ids=[conversation_id])
            text = own[0][1] if own else ""
        found = await asyncio.to_thread(index.query, text, k, str(conversation_id))
        if not found:
            return []
        # The index may be older than an erasure or a retention run: show only matches whose
        # texts are still what was indexed (new messages may follow), previews read now.
        async with sessions() as session:
            current = dict(await conversation_texts(session, ids=[int(n.id) for n in found]))
        kept = [n for n in found if self._still_indexed(int(n.id), current.get(int(n.id)))]
        if len(kept) < len(found):
            self._built_at = 0.0  # rebuilt at the next lookup, without the redacted texts
        return [
            SimilarConversation(int(n.id), round(n.score, 3), current[int(n.id)][:120])
            for n in kept
        ]

    def _still_indexed(self, conversation_id: int, current: str | None) -> bool:
        """The conversation's text still begins with what was indexed (not redacted, not gone)."""
        indexed = self._texts.get(conversation_id)
        return indexed is not None and current is not None and current.startswith(indexed)


def _build(texts: list[tuple[int, str]]) -> SimilarityIndex:
    index = SimilarityIndex()
    index.add([str(i) for i, _ in texts], [t for _, t in texts])
    return index
