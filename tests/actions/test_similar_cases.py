"""Similar past tickets suggest a new ticket's category; their text never reaches the customer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actions import crm, similar_cases
from actions.similar_cases import (
    remember_ticket,
    suggest_ticket_category,
    ticket_index,
    typical_resolution_hours,
)
from actions.ticket_replies import duration
from crm_store.admin import erase_customer
from crm_store.db import create_engine, create_sessionmaker
from crm_store.models import Base
from crm_store.seed import seed_database
from crm_store.services.snapshots import ticket_snapshots
from crm_store.settings import DatabaseSettings
from tests.actions.support import SEED, SEEDED_AT, settings_for


@pytest.fixture
async def many_tickets(tmp_path: Path) -> DatabaseSettings:
    """A CRM with a few hundred past tickets to learn from."""
    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    await seed_database(
        create_sessionmaker(engine), SEED, now=SEEDED_AT, customers=40, orders=120, tickets=300
    )
    await engine.dispose()
    settings = settings_for(url)
    await crm.configure(settings)
    similar_cases.forget_index()
    return settings


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("is the lamp dishwasher safe?", "product"),
        ("I received the wrong item", "product"),
        ("newsletters keep coming although I unsubscribed", "account"),
        ("do you offer gift wrapping?", "other"),
    ],
)
async def test_words_without_keywords_get_the_category_of_similar_tickets(
    many_tickets: DatabaseSettings, text: str, category: str
) -> None:
    assert await suggest_ticket_category(text) == category


async def test_named_keywords_win_over_neighbours(many_tickets: DatabaseSettings) -> None:
    assert await suggest_ticket_category("my card payment failed") == "payment"


async def test_unrelated_words_get_no_category(many_tickets: DatabaseSettings) -> None:
    for text in ("", "😀😀", "zxqv wibble", "x" * 100_000):
        assert await suggest_ticket_category(text) is None


async def test_the_index_grows_with_each_new_ticket(many_tickets: DatabaseSettings) -> None:
    index = await ticket_index()
    assert index is not None
    before = len(index)
    assert await suggest_ticket_category("my parrot ate the manual") is None
    for number in ("T-90001", "T-90002", "T-90003"):
        await remember_ticket(number, "my parrot ate the manual", "product")
    assert len(index) == before + 3
    assert await suggest_ticket_category("the parrot ate the manual again") == "product"


async def test_an_unreachable_crm_leaves_only_the_keywords(
    unreachable_crm: DatabaseSettings,
) -> None:
    await crm.configure(unreachable_crm)
    assert await ticket_index() is None
    assert await suggest_ticket_category("is the lamp dishwasher safe?") is None
    assert await suggest_ticket_category("my parcel is late") == "delivery"


async def test_similar_resolved_tickets_give_a_typical_resolution_time(
    many_tickets: DatabaseSettings,
) -> None:
    hours = await typical_resolution_hours("I was charged twice for my order")
    assert hours is not None and hours > 0
    assert await typical_resolution_hours("zxqv wibble") is None


@pytest.mark.parametrize(
    ("hours", "said"),
    [(0.5, "an hour"), (5.2, "about 5 hours"), (30, "about 30 hours"), (52.7, "about 2 days")],
)
def test_durations_are_said_as_people_say_them(hours: float, said: str) -> None:
    assert duration(hours) == said


async def test_the_action_server_builds_the_index_at_start_up(
    many_tickets: DatabaseSettings,
) -> None:
    assert similar_cases._state.index is None
    await similar_cases.warm_ticket_index()
    assert similar_cases._state.index is not None and len(similar_cases._state.index) >= 300


async def test_a_failed_warm_up_leaves_the_index_to_first_use(
    many_tickets: DatabaseSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(snapshots: list[dict[str, str]]) -> None:
        raise RuntimeError("encoder missing")

    monkeypatch.setattr(similar_cases, "_build", broken)
    await similar_cases.warm_ticket_index()  # logs, does not raise
    assert similar_cases._state.index is None


async def test_a_kept_index_is_read_on_the_next_start_while_the_tickets_are_the_same(
    many_tickets: DatabaseSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    similar_cases.configure(cache)
    try:
        built = await ticket_index()
        assert built is not None
        (kept,) = cache.glob(f"{similar_cases.CACHE_PREFIX}*")
        expected = built.query("the item stopped working after a week", 5)

        similar_cases.forget_index()  # a new start
        builds: list[int] = []
        original = similar_cases._build
        monkeypatch.setattr(similar_cases, "_build", lambda s: builds.append(1) or original(s))
        again = await ticket_index()
        assert again is not None and builds == []
        assert again.query("the item stopped working after a week", 5) == expected

        # Another set of tickets is built, and replaces the kept one.
        changed = await similar_cases._on_index_thread(
            similar_cases._load_or_build,
            [{"id": "T-1", "text": "a", "category": "other"}],
            cache,
        )
        assert len(changed) == 1 and builds == [1]
        assert [p.name for p in cache.glob(f"{similar_cases.CACHE_PREFIX}*")] != [kept.name]
    finally:
        similar_cases.configure(None)
        similar_cases.forget_index()


async def test_an_erased_customers_tickets_leave_the_index_and_the_disk_without_a_restart(
    many_tickets: DatabaseSettings, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    similar_cases.configure(cache)
    engine = create_engine(many_tickets.url)
    try:
        index = await ticket_index()
        assert index is not None and list(cache.glob(f"{similar_cases.CACHE_PREFIX}*"))
        async with create_sessionmaker(engine)() as session:
            tickets = await ticket_snapshots(session)
        customer = max(
            {t["customer_id"] for t in tickets},
            key=lambda c: sum(t["customer_id"] == c for t in tickets),
        )
        theirs = {t["id"]: t["text"] for t in tickets if t["customer_id"] == customer}
        # Before: asking with their own words finds their tickets.
        everything = len(index)
        for number, text in theirs.items():
            assert number in {hit.id for hit in index.query(text, everything)}

        # `python -m kefu erase-customer` in another process: the action server is not told.
        async with create_sessionmaker(engine)() as session, session.begin():
            await erase_customer(session, int(customer))

        # The next lookup, whatever it is, asks the CRM first.
        await typical_resolution_hours(next(iter(theirs.values())))
        for text in theirs.values():
            assert not {hit.id for hit in index.query(text, everything)} & theirs.keys()
        assert not set(index.ids) & theirs.keys() and len(index) == len(tickets) - len(theirs)
        assert not set(similar_cases._state.resolution_hours) & theirs.keys()
        assert list(cache.glob(f"{similar_cases.CACHE_PREFIX}*")) == []

        similar_cases.forget_index()  # the next start neither builds nor keeps them
        rebuilt = await ticket_index()
        assert rebuilt is not None and not set(rebuilt.ids) & theirs.keys()
        (kept,) = cache.glob(f"{similar_cases.CACHE_PREFIX}*/*/docs.json")
        assert not set(json.loads(kept.read_text())["ids"]) & theirs.keys()
    finally:
        await engine.dispose()
        similar_cases.configure(None)
        similar_cases.forget_index()


async def test_an_unreachable_crm_keeps_the_index_out_of_use(
    many_tickets: DatabaseSettings, unreachable_crm: DatabaseSettings
) -> None:
    assert await ticket_index() is not None
    similar_cases._state.erasures = -1  # whether anyone was erased since cannot be asked
    await crm.configure(unreachable_crm)
    assert await ticket_index() is None
    assert await suggest_ticket_category("is the lamp dishwasher safe?") is None
