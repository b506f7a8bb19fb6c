"""Storing the analytics job's figures on the customers: checked, stamped, erased ones skipped."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.models import Customer
from crm_store.services.customer_analytics import CustomerAnalytics, store_customer_analytics

Sessions = async_sessionmaker[AsyncSession]


async def test_a_churn_risk_outside_zero_to_one_is_refused(seeded: Sessions) -> None:
    async with seeded() as session:
        with pytest.raises(ValueError, match="churn risk"):
            await store_customer_analytics(
                session, [CustomerAnalytics(1, "loyal regulars", 1.5, Decimal(1))]
            )


async def test_rows_are_stamped_and_rounded_to_cents(seeded: Sessions) -> None:
    at = datetime(2026, 12, 2, tzinfo=timezone.utc)
    rows = [CustomerAnalytics(i, "loyal regulars", 0.25, Decimal("10.005")) for i in (1, 2)]
    async with seeded() as session, session.begin():
        assert await store_customer_analytics(session, rows, at=at) == 2
        assert await store_customer_analytics(session, []) == 0
    async with seeded() as session:
        stored = (
            await session.execute(
                select(Customer.id, Customer.lifetime_value, Customer.analytics_at)
                .where(Customer.analytics_at.is_not(None))
                .order_by(Customer.id)
            )
        ).all()
    assert [(r[0], r[1], r[2]) for r in stored] == [
        (1, Decimal("10.01"), at),
        (2, Decimal("10.01"), at),
    ]
