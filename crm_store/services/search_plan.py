"""How the conversation list searches on PostgreSQL: rare words by their matches, common ones
by walking the newest conversations.

The planner cannot tell a rare word from a common one in time: it guesses thousands of matches
for every word. So the list first reads at most SEARCH_CAP matching records through the GIN
index. Fewer than that: the conversations are exactly those ids (a rare word over a million
records costs a few milliseconds). The cap reached: the word is common, and the newest
conversations with a matching message fill a page after a few dozen probes; the count then
stops at COMMON_COUNT_CAP ("100+ found") instead of counting every match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, any_, bindparam, exists, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.console_models import TS_CONFIG
from crm_store.errors import InvalidValue
from crm_store.models import CommunicationRecord, Conversation

SEARCH_CAP = 5_000
COMMON_COUNT_CAP = 100


@dataclass(frozen=True)
class PlannedSearch:
    condition: Any
    common: bool


_WORD = re.compile(r"\w+", re.UNICODE)


def search_words(phrase: str) -> list[str]:
    """The words of a search phrase; punctuation and query syntax are dropped, never parsed."""
    return _WORD.findall(phrase or "")[:16]


def _words(phrase: str) -> list[str]:
    words = search_words(phrase)
    if not words:
        raise InvalidValue("search", "Search for at least one word.")
    return words


def matches(phrase: str) -> Any:
    """`to_tsvector('simple', text) @@ plainto_tsquery('simple', phrase)`: the GIN index's form."""
    config = literal_column(f"'{TS_CONFIG}'")
    query = func.plainto_tsquery(config, " ".join(_words(phrase)))
    return func.to_tsvector(config, CommunicationRecord.text).op("@@")(query)


async def plan_search(session: AsyncSession, phrase: str) -> PlannedSearch:
    condition = matches(phrase)
    # One row back (the distinct ids as an array, and how many records matched), not thousands.
    first = (
        select(CommunicationRecord.conversation_id.label("id"))
        .where(condition)
        .limit(SEARCH_CAP)
        .subquery()
    )
    ids, matched = (
        await session.execute(select(func.array_agg(first.c.id.distinct()), func.count()))
    ).one()
    if matched < SEARCH_CAP:
        return PlannedSearch(
            Conversation.id == any_(bindparam("search_ids", ids or [], type_=ARRAY(Integer))),
            False,
        )
    probe = exists().where(CommunicationRecord.conversation_id == Conversation.id, condition)
    return PlannedSearch(probe, True)
