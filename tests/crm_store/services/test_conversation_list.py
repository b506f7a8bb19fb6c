"""The console's conversation list: every filter, full-text search on both backends, paging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.errors import InvalidValue
from crm_store.services import conversation_list, search_plan
from crm_store.services.agents import create_agent
from crm_store.services.conversation_list import (
    ConversationFilters,
    list_conversations,
    search_words,
)
from crm_store.services.review import add_tag, set_reviewed
from tests.crm_store.services.console_data import NOW, add_console_conversations
from tests.databases import Backend

Sessions = async_sessionmaker[AsyncSession]


async def ids_for(sessions: Sessions, **filters: object) -> set[int]:
    async with sessions() as session:
        page = await list_conversations(session, ConversationFilters(**filters))  # type: ignore[arg-type]
    return {row.id for row in page.rows}


@pytest.fixture
async def data(seeded: Sessions) -> dict[str, int]:
    async with seeded() as session, session.begin():
        ids = await add_console_conversations(session)
        agent = await create_agent(session, "ann", "a long enough password")
        await add_tag(session, ids["refund"], "Escalated", agent.id)
        await set_reviewed(session, ids["parcel"], True, agent.id)
    return ids


async def test_the_list_is_newest_first_with_names_counts_and_previews(
    seeded: Sessions, data: dict[str, int]
) -> None:
    async with seeded() as session:
        page = await list_conversations(session, ConversationFilters())
    assert [row.id for row in page.rows] == [data["hostile"], data["refund"], data["parcel"]]
    parcel = page.rows[2]
    assert (parcel.messages, parcel.csat, parcel.reviewed) == (4, 5, True)
    assert parcel.customer_name is not None
    assert parcel.preview == "where is my parcel, the courier is late"
    assert page.total == 3 and page.pages == 1


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"channel": "socketio"}, {"refund"}),
        ({"status": "resolved"}, {"parcel"}),
        ({"customer_id": 2}, {"refund"}),
        ({"intent": "order_status"}, {"parcel"}),
        ({"topic": "delivery"}, {"parcel", "hostile"}),
        ({"sentiment": "negative"}, {"refund"}),
        ({"sentiment": "positive"}, {"parcel"}),
        ({"satisfaction": "low"}, {"refund"}),
        ({"csat": 5}, {"parcel"}),
        ({"fallback": True}, {"refund"}),
        ({"fallback": False}, {"parcel", "hostile"}),
        ({"low_confidence": True}, {"refund"}),
        ({"handoff": True}, {"refund"}),
        ({"tags": ("escalated",)}, {"refund"}),
        ({"reviewed": True}, {"parcel"}),
        ({"reviewed": False}, {"refund", "hostile"}),
        ({"date_from": NOW - timedelta(hours=1)}, {"hostile"}),
        ({"date_to": NOW - timedelta(days=1, hours=-1)}, {"parcel", "refund"}),
        ({"search": "parcel"}, {"parcel", "hostile"}),
        ({"search": "Courier LATE"}, {"parcel"}),
        ({"search": "kettle money"}, {"refund"}),
        ({"search": "bold"}, {"hostile"}),
        ({"search": "nothing-like-this"}, set()),
        ({"search": "parcel", "channel": "rest"}, {"parcel"}),
    ],
)
async def test_each_filter_selects_its_conversations(
    seeded: Sessions, data: dict[str, int], filters: dict[str, object], expected: set[str]
) -> None:
    assert await ids_for(seeded, **filters) == {data[name] for name in expected}


async def test_query_syntax_in_a_search_is_only_words(
    seeded: Sessions, data: dict[str, int]
) -> None:
    assert search_words('"parcel" OR * NEAR(') == ["parcel", "OR", "NEAR"]
    assert await ids_for(seeded, search='parcel" OR "kettle') == set()
    with pytest.raises(InvalidValue):
        await ids_for(seeded, search="***")


async def test_paging_and_sorting(seeded: Sessions, data: dict[str, int]) -> None:
    async with seeded() as session:
        first = await list_conversations(session, ConversationFilters(), "oldest", 1, 2)
        second = await list_conversations(session, ConversationFilters(), "oldest", 2, 2)
        with pytest.raises(InvalidValue):
            await list_conversations(session, ConversationFilters(), "random")
        with pytest.raises(InvalidValue):
            await list_conversations(session, ConversationFilters(status="lost"))
    assert [r.id for r in first.rows] == [data["parcel"], data["refund"]]
    assert [r.id for r in second.rows] == [data["hostile"]]
    assert first.pages == 2


async def test_the_search_index_follows_edits_and_deletes(
    seeded: Sessions, data: dict[str, int]
) -> None:
    from sqlalchemy import delete, update

    from crm_store.models import CommunicationRecord

    async with seeded() as session, session.begin():
        await session.execute(
            update(CommunicationRecord)
            .where(CommunicationRecord.text == "blorp")
            .values(text="zebra crossing")
        )
        await session.execute(
            delete(CommunicationRecord).where(CommunicationRecord.text.like("%kettle%"))
        )
    assert await ids_for(seeded, search="zebra") == {data["refund"]}
    assert await ids_for(seeded, search="blorp") == set()
    assert await ids_for(seeded, search="kettle") == set()


async def test_a_common_word_pages_by_probing_and_caps_its_count(
    seeded: Sessions, data: dict[str, int], backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend.name != "postgresql":
        pytest.skip("the search plan is PostgreSQL's (SQLite's FTS5 answers directly)")
    monkeypatch.setattr(search_plan, "SEARCH_CAP", 1)  # every word is "common"
    monkeypatch.setattr(conversation_list, "COMMON_COUNT_CAP", 1)
    async with seeded() as session:
        page = await list_conversations(session, ConversationFilters(search="parcel"))
        rare = await list_conversations(session, ConversationFilters(search="zebra"))
    assert {r.id for r in page.rows} == {data["parcel"], data["hostile"]}
    assert (page.total, page.at_least) == (1, True)
    assert (rare.rows, rare.total, rare.at_least) == ([], 0, False)
