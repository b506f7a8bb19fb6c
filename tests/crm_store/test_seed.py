"""Demo data: deterministic, realistic, idempotent, and quick to load."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import func, select

from crm_store.db import create_engine, create_sessionmaker
from crm_store.demo_data import HISTORY, build_demo_data
from crm_store.models import AgentUser, Customer, Order, Ticket
from crm_store.normalize import normalize_email, normalize_phone, normalize_postcode
from crm_store.passwords import verify_password
from crm_store.seed import DEMO_PASSWORDS, seed_database
from tests.databases import Sessions

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
SEED = 7  # as in conftest.py


def test_same_seed_same_data_other_seed_other_data() -> None:
    first, again = build_demo_data(7, NOW), build_demo_data(7, NOW)
    other = build_demo_data(8, NOW)
    assert first == again
    assert first.customers[:3] == other.customers[:3]  # the documented demo customers
    assert first.customers[3:] != other.customers[3:]


def test_sizes() -> None:
    data = build_demo_data(7, NOW)
    assert (len(data.customers), len(data.orders), len(data.tickets)) == (500, 3000, 800)
    assert 35 <= len(data.products) <= 45
    assert 4 <= len({p["category"] for p in data.products}) <= 5
    assert [a["username"] for a in data.agents] == ["admin", "agent1"]


def test_values_are_valid_and_consistent() -> None:
    data = build_demo_data(7, NOW)
    emails = [c["email"] for c in data.customers]
    assert len(set(emails)) == len(emails)
    assert all(normalize_email(email) == email for email in emails)
    assert all(
        c["phone"] is None or normalize_phone(c["phone"]) == c["phone"] for c in data.customers
    )
    assert all(normalize_postcode(c["postcode"]) == c["postcode"] for c in data.customers)
    totals: dict[int, Decimal] = Counter()  # type: ignore[assignment]
    for item in data.order_items:
        totals[item["order_id"]] += item["unit_price"] * item["quantity"]
    for order in data.orders:
        assert order["total"] == totals[order["id"]] > 0
        assert NOW - HISTORY <= order["placed_at"] <= NOW
        for later in ("shipped_at", "delivered_at", "cancelled_at"):
            assert order[later] is None or order["placed_at"] <= order[later] <= NOW
        if order["status"] in ("shipped", "delivered", "returned"):
            assert order["carrier"] and order["tracking_number"] and order["shipped_at"]
        if order["status"] in ("delivered", "returned"):
            assert order["shipped_at"] <= order["delivered_at"]
    assert all(t["created_at"] <= NOW for t in data.tickets)
    assert all(t["resolved_at"] for t in data.tickets if t["status"] in ("resolved", "closed"))


def test_status_mix_follows_the_age_of_the_order() -> None:
    data = build_demo_data(7, NOW)
    old = Counter(o["status"] for o in data.orders if NOW - o["placed_at"] > timedelta(days=30))
    recent = Counter(o["status"] for o in data.orders if NOW - o["placed_at"] < timedelta(days=2))
    assert old["delivered"] / sum(old.values()) > 0.75
    assert old["cancelled"] > 0 and old["returned"] > 0
    assert set(old) <= {"delivered", "cancelled", "returned"}
    assert set(recent) <= {"placed", "paid", "shipped", "cancelled"}
    assert recent["placed"] + recent["paid"] > 0
    # Spread over the two years, not bunched up.
    months = {(o["placed_at"].year, o["placed_at"].month) for o in data.orders}
    assert len(months) >= 24
    tickets = Counter(t["status"] for t in data.tickets)
    assert set(tickets) == {"new", "open", "pending", "resolved", "closed"}


async def test_seeding_again_does_nothing_and_says_so(seeded: Sessions) -> None:
    result = await seed_database(seeded, SEED)
    assert not result.seeded
    assert "already" in result.message
    async with seeded() as session:
        assert await session.scalar(select(func.count()).select_from(Customer)) == 500


async def test_seeding_is_quick(crm: Sessions) -> None:
    started = time.monotonic()
    result = await seed_database(crm, SEED)
    assert result.seeded and result.counts["orders"] == 3000
    assert time.monotonic() - started < 20


async def test_agents_have_hashed_passwords(seeded: Sessions) -> None:
    async with seeded() as session:
        agents = {a.username: a for a in (await session.scalars(select(AgentUser))).all()}
    assert set(agents) == {"admin", "agent1"}
    assert agents["admin"].role == "admin" and agents["agent1"].role == "agent"
    for username, password in DEMO_PASSWORDS.items():
        stored = agents[username].password_hash
        assert password not in stored and stored.startswith("scrypt$")
        assert verify_password(password, stored)
        assert not verify_password(password + "x", stored)


async def test_new_rows_continue_after_the_seeded_ids(seeded_url: str) -> None:
    engine = create_engine(seeded_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            order = Order(order_number="KF-TEST", customer_id=1, total=Decimal("1.00"))
            session.add(order)
            await session.flush()
            assert order.id == 3001
            assert await session.scalar(select(func.max(Ticket.id))) == 800
    finally:
        await engine.dispose()


def test_small_crms_for_other_test_suites() -> None:
    only_demo = build_demo_data(7, NOW, customers=3, orders=7, tickets=2)
    assert (len(only_demo.customers), len(only_demo.orders), len(only_demo.tickets)) == (3, 7, 2)
    nobody_else = build_demo_data(7, NOW, customers=3, orders=50, tickets=50)
    assert (len(nobody_else.orders), len(nobody_else.tickets)) == (7, 2)
    small = build_demo_data(7, NOW, customers=6, orders=20, tickets=4)
    assert (len(small.customers), len(small.orders), len(small.tickets)) == (6, 20, 4)
