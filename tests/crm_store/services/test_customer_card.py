"""The customer card: profile, orders, value, churn band, tickets, feedback, conversations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.errors import NotFound
from crm_store.services.customer_card import churn_risk, customer_card
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
