"""The customer card: profile, orders, value, churn band, tickets, feedback, conversations; the
analytics job's stored segment, churn risk and lifetime value "as of" its run."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.admin import erase_customer
from crm_store.errors import NotFound
from crm_store.models import Customer
from crm_store.services.customer_analytics import CustomerAnalytics, store_customer_analytics
from crm_store.services.customer_card import churn_band, churn_risk, customer_card
from tests.crm_store.services.console_data import add_console_conversations

Sessions = async_sessionmaker[AsyncSession]


def test_churn_bands() -> None:
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert churn_risk(now - timedelta(days=10), now) == "low"
    assert churn_risk(now - timedelta(days=100), now) == "medium"
    assert churn_risk(now - timedelta(days=400), now) == "high"


async def test_card_of_a_seeded_customer(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        ids = await add_console_conversations(session)
    async with seeded() as session:
        card = await customer_card(session, 1)
        with pytest.raises(NotFound):
            await customer_card(session, 999_999)
    assert card.customer.id == 1
    assert card.segment in {"consumer", "business", "vip"}
    assert card.order_count >= len(card.orders) > 0
    assert card.lifetime_value > 0
    assert card.churn_risk in {"low", "medium", "high"}
    assert [c.id for c in card.conversations] == [ids["parcel"]]
    assert [f.csat for f in card.feedback] == [5]


async def test_the_card_shows_the_stored_analytics_as_of_their_run(seeded: Sessions) -> None:
    async with seeded() as session:
        before = await customer_card(session, 1)
    assert before.estimated and before.analytics_at is None and before.churn_probability is None
    assert before.lifetime_value == before.spent  # the estimate: spend so far
    at = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
    rows = [
        CustomerAnalytics(1, "at risk: were regulars, gone quiet", 0.72, Decimal("1234.567")),
        CustomerAnalytics(2, "loyal regulars", 0.1, Decimal("50")),
        CustomerAnalytics(999_999, "loyal regulars", 0.1, Decimal("50")),  # no such customer
    ]
    async with seeded() as session, session.begin():
        await session.execute(
            update(Customer).where(Customer.id == 2).values(erased_at=at)
        )  # erased since the job read the CRM: keeps no analytics
        assert await store_customer_analytics(session, rows, at=at) == 1
    async with seeded() as session:
        card = await customer_card(session, 1)
        erased = await session.get(Customer, 2)
    assert not card.estimated and card.analytics_at == at
    assert card.segment == "at risk: were regulars, gone quiet"  # longer than the old 32 chars
    assert card.churn_probability == pytest.approx(0.72) and card.churn_risk == "high"
    assert card.lifetime_value == Decimal("1234.57") and card.spent == before.spent
    assert erased is not None and erased.analytics_at is None


async def test_erasing_a_customer_drops_their_analytics(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        row = CustomerAnalytics(3, "loyal regulars", 0.2, Decimal("10"))
        assert await store_customer_analytics(session, [row]) == 1
        await erase_customer(session, 3)
    async with seeded() as session:
        card = await customer_card(session, 3)
    assert card.erased and card.estimated and card.churn_probability is None


def test_churn_probability_bands() -> None:
    assert [churn_band(p) for p in (0.0, 0.29, 0.3, 0.59, 0.6, 1.0)] == [
        "low", "low", "medium", "medium", "high", "high",
    ]  # fmt: skip
