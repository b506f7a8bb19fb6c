"""Transcript report rows and dashboard figures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.models import AgentUser, Conversation
from crm_store.services.conversation_list import ConversationFilters
from crm_store.services.reports import REPORT_COLUMNS, dashboard, report_rows
from tests.crm_store.services.console_data import NOW, add_console_conversations

Sessions = async_sessionmaker[AsyncSession]


async def test_report_rows(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        ids = await add_console_conversations(session)
    async with seeded() as session:
        rows = [row async for batch in report_rows(session, ConversationFilters()) for row in batch]
        only = [
            row
            async for batch in report_rows(session, ConversationFilters(channel="rest"))
            for row in batch
        ]
    assert [r.id for r in rows] == sorted(ids.values())
    parcel = next(r for r in rows if r.id == ids["parcel"])
    assert (parcel.messages, parcel.status, parcel.handoff, parcel.csat) == (
        4,
        "resolved",
        False,
        5,
    )
    assert parcel.first_response_seconds == 60.0  # user at minute 1, bot at minute 2
    assert parcel.resolution_seconds == 300.0
    assert parcel.sentiment == 0.35
    assert len(parcel.as_list()) == len(REPORT_COLUMNS)
    assert [r.id for r in only] == [ids["parcel"]]


async def test_dashboard_figures(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        await add_console_conversations(session)
    async with seeded() as session:
        board = await dashboard(session, ConversationFilters())
    assert board.conversations == 3
    assert sum(board.per_day.values()) == 3 and len(board.per_day) == 3
    assert board.channels == {"rest": 1, "socketio": 1, "telegram": 1}
    assert board.handoff_rate == 1 / 3
    assert board.fallback_rate == 1 / 3
    assert board.containment == 1.0  # one ended conversation, no handoff
    assert board.csat_score == 0.5
    assert board.response_rate == 1.0  # the one ended conversation was rated
    assert board.nps == 0.0  # one promoter (9), one detractor (3)
    assert dict(board.top_intents)["nlu_fallback"] == 1
    assert sorted(board.predicted_vs_given) == [(1.8, 2), (4.2, 5)]
    assert sum(sum(week.values()) for week in board.topics_by_week.values()) == 3


async def test_handoff_metrics_per_conversation_and_on_the_dashboard(seeded: Sessions) -> None:
    """Handed off at 12:00, taken 12:02, first agent reply 12:03, handed back 12:10 (and an
    older hand-back before this turn, which must not count)."""
    async with seeded() as session, session.begin():
        ids = await add_console_conversations(session)
        refund = await session.get(Conversation, ids["refund"])
        assert refund is not None
        agent = AgentUser(
            username="ann", email="ann@console.invalid", display_name="Ann", password_hash="x"
        )
        session.add(agent)
        await session.flush()
        refund.assignee_id = agent.id
        refund.handoff_at = NOW
        refund.taken_at = NOW + timedelta(minutes=2)
        refund.first_agent_reply_at = NOW + timedelta(minutes=3)
        refund.handed_back_at = NOW - timedelta(hours=1)
        refund.resolved_at = NOW + timedelta(minutes=10)
    async with seeded() as session:
        rows = [row async for batch in report_rows(session, ConversationFilters()) for row in batch]
        board = await dashboard(session, ConversationFilters())
    row = next(r for r in rows if r.id == ids["refund"])
    assert (row.agent, row.agent_first_reply_seconds, row.handling_seconds) == ("Ann", 180.0, 480.0)
    assert all(r.agent_first_reply_seconds is None for r in rows if r.id != ids["refund"])
    assert board.agent_first_reply_median_seconds == 180.0
    assert board.handling_median_seconds == 480.0
    assert list(board.agent_first_reply_by_day.values()) == [180.0]
