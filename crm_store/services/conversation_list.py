"""The console's conversation list: filters, full-text search, sorting and paging in one query.

Search is the database's own full-text index (crm_store.console_models): PostgreSQL's
`to_tsvector('simple', text) @@ plainto_tsquery(...)` over a GIN index, SQLite's FTS5 `MATCH`.
Every word of the phrase must occur in one message of the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.console_models import FTS_TABLE, TS_CONFIG, ConversationReview, ConversationTag
from crm_store.errors import InvalidValue
from crm_store.models import (
    CommunicationRecord,
    Conversation,
    ConversationStatus,
    Customer,
    Direction,
    Feedback,
)
from crm_store.services.search_plan import COMMON_COUNT_CAP, plan_search, search_words

FALLBACK_INTENT = "nlu_fallback"
LOW_CONFIDENCE = 0.5
MAX_PAGE_SIZE = 200
# Bands of a conversation's mean customer sentiment (-1..1) and predicted satisfaction (1..5).
SENTIMENT_BANDS = {"negative": (-1.01, -0.25), "neutral": (-0.25, 0.25), "positive": (0.25, 1.01)}
SATISFACTION_BANDS = {"low": (0.0, 2.5), "medium": (2.5, 3.5), "high": (3.5, 5.01)}
SORTS = {
    "newest": (Conversation.started_at.desc(), Conversation.id.desc()),
    "oldest": (Conversation.started_at.asc(), Conversation.id.asc()),
    "last_message": (Conversation.last_message_at.desc(), Conversation.id.desc()),
    "satisfaction": (Conversation.satisfaction.asc(), Conversation.id.desc()),
}


@dataclass(frozen=True)
class ConversationFilters:
    """What the list shows; every field left at its default filters nothing."""

    date_from: datetime | None = None
    date_to: datetime | None = None
    channel: str | None = None
    status: str | None = None
    customer_id: int | None = None
    intent: str | None = None
    topic: str | None = None
    sentiment: str | None = None  # a SENTIMENT_BANDS key
    satisfaction: str | None = None  # a SATISFACTION_BANDS key
    csat: int | None = None
    fallback: bool | None = None
    low_confidence: bool | None = None
    handoff: bool | None = None
    tags: tuple[str, ...] = ()
    reviewed: bool | None = None
    search: str | None = None


@dataclass(frozen=True)
class ConversationRow:
    id: int
    started_at: datetime
    last_message_at: datetime | None
    channel: str
    status: str
    customer_id: int | None
    customer_name: str | None
    topic: str | None
    satisfaction: float | None
    csat: int | None
    reviewed: bool
    messages: int
    preview: str


@dataclass(frozen=True)
class ConversationPage:
    rows: list[ConversationRow]
    total: int
    page: int
    page_size: int
    filters: ConversationFilters = field(default_factory=ConversationFilters)
    # True when a common word matched more than COMMON_COUNT_CAP conversations: "total+".
    at_least: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _records_matching(dialect: str, phrase: str) -> Any:
    """Ids of conversations with a message containing every word of `phrase`."""
    words = search_words(phrase)
    if not words:
        raise InvalidValue("search", "Search for at least one word.")
    if dialect == "postgresql":
        query = func.plainto_tsquery(literal_column(f"'{TS_CONFIG}'"), " ".join(words))
        vector = func.to_tsvector(literal_column(f"'{TS_CONFIG}'"), CommunicationRecord.text)
        # Materialized: the matches are found once through the GIN index. Inlined, the planner
        # guesses thousands of matches and walks the newest-first index instead, computing
        # to_tsvector for every record (19 s for a rare word over a million records).
        matches = (
            select(CommunicationRecord.conversation_id)
            .where(vector.op("@@")(query))
            .distinct()
            .cte("matching_conversations")
            .prefix_with("MATERIALIZED")
        )
        return select(matches.c.conversation_id)
    # FTS5: each word quoted, so nothing in the phrase is read as query syntax.
    match = " ".join(f'"{word}"' for word in words)
    matching_ids = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match").bindparams(
        match=match
    )
    return select(CommunicationRecord.conversation_id).where(
        CommunicationRecord.id.in_(matching_ids.columns(literal_column("rowid")))
    )


def _record_exists(*conditions: Any) -> Any:
    return exists().where(CommunicationRecord.conversation_id == Conversation.id, *conditions)


def _mean_sentiment() -> Any:
    return (
        select(func.avg(CommunicationRecord.sentiment))
        .where(
            CommunicationRecord.conversation_id == Conversation.id,
            CommunicationRecord.direction == Direction.user,
        )
        .scalar_subquery()
    )


def _band(value: Any, bands: dict[str, tuple[float, float]], name: str, key: str) -> Any:
    if key not in bands:
        raise InvalidValue(name, f"must be one of {', '.join(bands)}")
    low, high = bands[key]
    return and_(value >= low, value < high)


def _yes_no(condition: Any, wanted: bool) -> Any:
    return condition if wanted else ~condition


def _conditions(filters: ConversationFilters, dialect: str, search: Any | None = None) -> list[Any]:
    """The WHERE clauses for the filters; `search`, when given, stands for the text search."""
    f = filters
    found: list[Any] = []
    simple = [
        (f.date_from, lambda v: Conversation.started_at >= v),
        (f.date_to, lambda v: Conversation.started_at < v),
        (f.channel, lambda v: Conversation.channel == v),
        (f.customer_id, lambda v: Conversation.customer_id == v),
        (f.topic, lambda v: Conversation.topic == v),
        (f.intent, lambda v: _record_exists(CommunicationRecord.intent == v)),
        (f.csat, lambda v: Conversation.feedback.has(Feedback.csat == v)),
        (
            f.search,
            lambda v: (
                search if search is not None else Conversation.id.in_(_records_matching(dialect, v))
            ),
        ),
    ]
    found += [build(value) for value, build in simple if value not in (None, "")]
    if f.status:
        if f.status not in {s.value for s in ConversationStatus}:
            raise InvalidValue("status", "is not a conversation status")
        found.append(Conversation.status == f.status)
    if f.sentiment:
        found.append(_band(_mean_sentiment(), SENTIMENT_BANDS, "sentiment", f.sentiment))
    if f.satisfaction:
        found.append(
            _band(Conversation.satisfaction, SATISFACTION_BANDS, "satisfaction", f.satisfaction)
        )
    flags = [
        (f.fallback, _record_exists(CommunicationRecord.intent == FALLBACK_INTENT)),
        (f.low_confidence, _record_exists(CommunicationRecord.confidence < LOW_CONFIDENCE)),
        (
            f.handoff,
            or_(
                Conversation.handoff_reason.is_not(None),
                Conversation.status.in_([ConversationStatus.handoff, ConversationStatus.agent]),
            ),
        ),
        (f.reviewed, exists().where(ConversationReview.conversation_id == Conversation.id)),
    ]
    found += [_yes_no(condition, wanted) for wanted, condition in flags if wanted is not None]
    for tag in f.tags:
        found.append(
            exists().where(
                ConversationTag.conversation_id == Conversation.id, ConversationTag.tag == tag
            )
        )
    return found


def filtered(filters: ConversationFilters, dialect: str) -> Select[Any]:
    """The ids of the conversations the filters select (for reports and exports too)."""
    return select(Conversation.id).where(*_conditions(filters, dialect))


async def list_conversations(
    session: AsyncSession,
    filters: ConversationFilters,
    sort: str = "newest",
    page: int = 1,
    page_size: int = 50,
) -> ConversationPage:
    """One page of the list, newest first unless `sort` says otherwise."""
    if sort not in SORTS:
        raise InvalidValue("sort", f"must be one of {', '.join(SORTS)}")
    page = max(1, page)
    page_size = min(max(1, page_size), MAX_PAGE_SIZE)
    dialect = session.get_bind().dialect.name
    planned = None
    if filters.search and dialect == "postgresql":
        planned = await plan_search(session, filters.search)
    conditions = _conditions(filters, dialect, planned.condition if planned else None)
    counted = select(Conversation.id).where(*conditions)
    capped = planned is not None and planned.common
    if capped:
        counted = counted.limit(COMMON_COUNT_CAP + 1)
    total = await session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    at_least = capped and total > COMMON_COUNT_CAP
    total = min(total, COMMON_COUNT_CAP) if at_least else total
    messages = (
        select(func.count(CommunicationRecord.id))
        .where(CommunicationRecord.conversation_id == Conversation.id)
        .scalar_subquery()
    )
    preview = (
        select(CommunicationRecord.text)
        .where(
            CommunicationRecord.conversation_id == Conversation.id,
            CommunicationRecord.direction == Direction.user,
        )
        .order_by(CommunicationRecord.sent_at, CommunicationRecord.id)
        .limit(1)
        .scalar_subquery()
    )
    reviewed = exists().where(ConversationReview.conversation_id == Conversation.id)
    query = (
        select(
            Conversation,
            Customer.first_name,
            Customer.last_name,
            Feedback.csat,
            reviewed.label("reviewed"),
            messages.label("messages"),
            preview.label("preview"),
        )
        .outerjoin(Customer, Customer.id == Conversation.customer_id)
        .outerjoin(Feedback, Feedback.conversation_id == Conversation.id)
        .where(*conditions)
        .order_by(*SORTS[sort])
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    rows = [_row(*found) for found in (await session.execute(query)).all()]
    return ConversationPage(rows, int(total), page, page_size, filters, at_least)


def _row(
    conversation: Conversation,
    first: str | None,
    last: str | None,
    csat: int | None,
    reviewed: bool,
    messages: int,
    preview: str | None,
) -> ConversationRow:
    return ConversationRow(
        id=conversation.id,
        started_at=conversation.started_at,
        last_message_at=conversation.last_message_at,
        channel=conversation.channel,
        status=str(getattr(conversation.status, "value", conversation.status)),
        customer_id=conversation.customer_id,
        customer_name=f"{first} {last}" if first is not None else None,
        topic=conversation.topic,
        satisfaction=conversation.satisfaction,
        csat=csat,
        reviewed=bool(reviewed),
        messages=int(messages or 0),
        preview=(preview or "")[:160],
    )


async def count_conversations(session: AsyncSession, filters: ConversationFilters) -> int:
    dialect = session.get_bind().dialect.name
    query = select(func.count(Conversation.id)).where(*_conditions(filters, dialect))
    return int(await session.scalar(query) or 0)


async def conversation_ids(
    session: AsyncSession, filters: ConversationFilters, limit: int
) -> list[int]:
    """The first `limit` selected conversations, oldest first (for transcript bundles)."""
    query = filtered(filters, session.get_bind().dialect.name).order_by(Conversation.id)
    return list(await session.scalars(query.limit(limit)))
