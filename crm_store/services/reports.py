"""Transcript reports and dashboard figures: one row per conversation, in batches for streaming,
and the aggregates the admin dashboard draws."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.models import AgentUser, CommunicationRecord, Conversation, Customer, Feedback
from crm_store.services._common import records_of, value_of
from crm_store.services.conversation_list import FALLBACK_INTENT, ConversationFilters, filtered

BATCH = 500
REPORT_COLUMNS = (
    "id",
    "customer",
    "channel",
    "start",
    "end",
    "messages",
    "status",
    "handoff",
    "topic",
    "sentiment",
    "predicted_satisfaction",
    "csat",
    "first_response_seconds",
    "resolution_seconds",
    "agent",
    "agent_first_reply_seconds",
    "handling_seconds",
)


@dataclass(frozen=True)
class ReportRow:
    id: int
    customer: str
    channel: str
    start: datetime
    end: datetime | None
    messages: int
    status: str
    handoff: bool
    topic: str | None
    sentiment: float | None
    predicted_satisfaction: float | None
    csat: int | None
    first_response_seconds: float | None
    resolution_seconds: float | None
    # The live handoff (see agent_first_reply_seconds and handling_seconds below).
    agent: str | None = None
    agent_first_reply_seconds: float | None = None
    handling_seconds: float | None = None
    ended: bool = False

    def as_list(self) -> list[object]:
        return [getattr(self, name) for name in REPORT_COLUMNS]


@dataclass
class _Timeline:
    messages: int = 0
    first_user: datetime | None = None
    first_reply: datetime | None = None
    last: datetime | None = None
    sentiments: list[float] = field(default_factory=list)


async def _timelines(session: AsyncSession, ids: list[int]) -> dict[int, _Timeline]:
    rows = await session.execute(
        records_of(
            ids,
            CommunicationRecord.direction,
            CommunicationRecord.sent_at,
            CommunicationRecord.sentiment,
        )
    )
    found: dict[int, _Timeline] = defaultdict(_Timeline)
    for conversation_id, direction, sent_at, sentiment in rows.all():
        line = found[conversation_id]
        line.messages += 1
        line.last = sent_at
        if value_of(direction) == "user":
            line.first_user = line.first_user or sent_at
            if sentiment is not None:
                line.sentiments.append(sentiment)
        elif line.first_user is not None and line.first_reply is None:
            line.first_reply = sent_at
    return found


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return round((end - start).total_seconds(), 1) if start and end else None


# The handoff metrics, defined once (the CSV report and the dashboard both read them here):
# - time to first agent reply: from the handoff (the conversation entered the queue) to the
#   agent's first reply to the customer;
# - handling time: from an agent taking the conversation to handing it back or resolving it;
# - handoff rate: conversations handed off / all conversations;
# - containment: ended conversations never handed off / ended conversations.
def agent_first_reply_seconds(c: Conversation) -> float | None:
    return _seconds(c.handoff_at, c.first_agent_reply_at)


def handling_seconds(c: Conversation) -> float | None:
    if c.taken_at is None:
        return None
    # Handed back earlier and taken again: only the end of this agent's turn counts.
    finished = [t for t in (c.handed_back_at, c.resolved_at) if t is not None and t >= c.taken_at]
    return _seconds(c.taken_at, min(finished)) if finished else None


def was_handed_off(c: Conversation) -> bool:
    status = value_of(c.status)
    return (
        c.handoff_at is not None or c.handoff_reason is not None or status in ("handoff", "agent")
    )


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round((ordered[middle - 1] + ordered[middle]) / 2, 1)


async def report_rows(
    session: AsyncSession, filters: ConversationFilters
) -> AsyncIterator[list[ReportRow]]:
    """The report's rows in batches of BATCH, oldest conversation first (keyset paging)."""
    dialect = session.get_bind().dialect.name
    selected = filtered(filters, dialect)
    after = 0
    while True:
        query = (
            select(
                Conversation,
                Customer.first_name,
                Customer.last_name,
                Feedback.csat,
                AgentUser.display_name,
            )
            .outerjoin(Customer, Customer.id == Conversation.customer_id)
            .outerjoin(AgentUser, AgentUser.id == Conversation.assignee_id)
            .outerjoin(Feedback, Feedback.conversation_id == Conversation.id)
            .where(Conversation.id.in_(selected), Conversation.id > after)
            .order_by(Conversation.id)
            .limit(BATCH)
        )
        found = (await session.execute(query)).all()
        if not found:
            return
        lines = await _timelines(session, [c.id for c, *_ in found])
        yield [
            _report_row(c, first, last, csat, lines[c.id], agent)
            for c, first, last, csat, agent in found
        ]
        after = found[-1][0].id


def _report_row(
    c: Conversation,
    first: str | None,
    last: str | None,
    csat: int | None,
    line: _Timeline,
    agent: str | None = None,
) -> ReportRow:
    status = value_of(c.status)
    end = c.ended_at or line.last
    return ReportRow(
        id=c.id,
        customer=f"{first} {last}" if first is not None else "",
        channel=c.channel,
        start=c.started_at,
        end=end,
        messages=line.messages,
        status=status,
        handoff=was_handed_off(c),
        topic=c.topic,
        sentiment=(
            round(sum(line.sentiments) / len(line.sentiments), 3) if line.sentiments else None
        ),
        predicted_satisfaction=c.satisfaction,
        csat=csat,
        first_response_seconds=_seconds(line.first_user, line.first_reply),
        resolution_seconds=_seconds(c.started_at, c.ended_at) if status == "resolved" else None,
        agent=agent,
        agent_first_reply_seconds=agent_first_reply_seconds(c),
        handling_seconds=handling_seconds(c),
        ended=c.ended_at is not None,
    )


@dataclass
class Dashboard:
    """The dashboard's figures; rates are shares (0..1) or None when nothing was counted."""

    conversations: int = 0
    per_day: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    containment: float | None = None
    handoff_rate: float | None = None
    fallback_rate: float | None = None
    csat_score: float | None = None
    response_rate: float | None = None
    nps: float | None = None
    topics_by_week: dict[str, dict[str, int]] = field(default_factory=dict)
    top_intents: list[tuple[str, int]] = field(default_factory=list)
    sentiment_by_day: dict[str, float] = field(default_factory=dict)
    predicted_vs_given: list[tuple[float, int]] = field(default_factory=list)
    # The live handoff: medians over the conversations agents answered / handled.
    agent_first_reply_median_seconds: float | None = None
    handling_median_seconds: float | None = None
    agent_first_reply_by_day: dict[str, float] = field(default_factory=dict)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class _Tally:
    per_day: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    topics: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    handoffs: int = 0
    ended: int = 0
    contained: int = 0
    rated_ended: int = 0
    ratings: list[int] = field(default_factory=list)
    first_replies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    handling: list[float] = field(default_factory=list)

    def add(self, row: ReportRow, board: Dashboard) -> None:
        self.per_day[row.start.date().isoformat()] += 1
        self.channels[row.channel] += 1
        self.handoffs += row.handoff
        if row.status == "resolved" or row.ended:
            self.ended += 1
            self.contained += not row.handoff
            self.rated_ended += row.csat is not None
        if row.agent_first_reply_seconds is not None:
            self.first_replies[row.start.date().isoformat()].append(row.agent_first_reply_seconds)
        if row.handling_seconds is not None:
            self.handling.append(row.handling_seconds)
        if row.topic:
            self.topics[row.start.strftime("%G-W%V")][row.topic] += 1
        if row.csat is not None:
            self.ratings.append(row.csat)
            if row.predicted_satisfaction is not None:
                board.predicted_vs_given.append((row.predicted_satisfaction, row.csat))


async def _intent_figures(session: AsyncSession, selected: Any, board: Dashboard) -> int:
    """Top intents and the daily sentiment into `board`; returns conversations with a fallback."""
    intents = await session.execute(
        select(
            CommunicationRecord.intent,
            CommunicationRecord.conversation_id,
            CommunicationRecord.sent_at,
            CommunicationRecord.sentiment,
        ).where(
            CommunicationRecord.conversation_id.in_(selected),
            CommunicationRecord.intent.is_not(None),
        )
    )
    counts: Counter[str] = Counter()
    fallbacks: set[int] = set()
    days: dict[str, list[float]] = defaultdict(list)
    for intent, conversation_id, sent_at, sentiment in intents.all():
        counts[intent] += 1
        if intent == FALLBACK_INTENT:
            fallbacks.add(conversation_id)
        if sentiment is not None:
            days[sent_at.date().isoformat()].append(sentiment)
    board.top_intents = counts.most_common(10)
    board.sentiment_by_day = {day: round(sum(v) / len(v), 3) for day, v in sorted(days.items())}
    return len(fallbacks)


async def _nps(session: AsyncSession, selected: Any) -> float | None:
    scores = list(
        await session.scalars(
            select(Feedback.nps).where(
                Feedback.conversation_id.in_(selected), Feedback.nps.is_not(None)
            )
        )
    )
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores), 1)


async def dashboard(session: AsyncSession, filters: ConversationFilters) -> Dashboard:
    """Every figure of the dashboard for the conversations the filters select.

    Containment counts ended conversations without a handoff; the response rate is the share
    of ended conversations that were rated (every ended conversation is offered the survey);
    the handoff metrics are defined above `agent_first_reply_seconds`.
    """
    board = Dashboard()
    tally = _Tally()
    async for batch in report_rows(session, filters):
        for row in batch:
            tally.add(row, board)
    selected = filtered(filters, session.get_bind().dialect.name)
    fallbacks = await _intent_figures(session, selected, board)
    total = sum(tally.per_day.values())
    board.conversations = total
    board.per_day = dict(sorted(tally.per_day.items()))
    board.channels = dict(tally.channels.most_common())
    board.containment = _share(tally.contained, tally.ended)
    board.handoff_rate = _share(tally.handoffs, total)
    board.fallback_rate = _share(fallbacks, total)
    board.csat_score = _share(sum(1 for r in tally.ratings if r >= 4), len(tally.ratings))
    board.response_rate = _share(tally.rated_ended, tally.ended)
    board.nps = await _nps(session, selected)
    board.agent_first_reply_median_seconds = _median(
        [seconds for day in tally.first_replies.values() for seconds in day]
    )
    board.handling_median_seconds = _median(tally.handling)
    board.agent_first_reply_by_day = {
        day: value
        for day, values in sorted(tally.first_replies.items())
        if (value := _median(values)) is not None
    }
    board.topics_by_week = {week: dict(c) for week, c in sorted(tally.topics.items())}
    return board
