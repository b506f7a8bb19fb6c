"""The customer card page and API: the analytics job's figures "as of" its run, else the rules'
estimates labelled as such."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from crm_store.db import create_engine, create_sessionmaker
from crm_store.services.customer_analytics import CustomerAnalytics, store_customer_analytics
from tests.console.conftest import Client, Data

AT = datetime(2026, 12, 1, 6, 30, tzinfo=timezone.utc)


async def _store(url: str, row: CustomerAnalytics) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            assert await store_customer_analytics(session, [row], at=AT) == 1
    finally:
        await engine.dispose()


async def test_the_card_labels_estimates_until_the_job_has_run(agent: Client, data: Data) -> None:
    response, page = await agent.page("/customers/1")
    assert response.status == 200
    assert "estimate" in page and "has not run for this customer" in page and "as of" not in page
    card = await (await agent.http.get("/api/customers/1")).json()
    assert card["estimated"] is True and card["analytics_at"] is None

    await _store(data.url, CustomerAnalytics(1, "<b>loyal</b> regulars", 0.72, Decimal("321.5")))
    response, page = await agent.page("/customers/1")
    assert response.status == 200
    assert "as of 2026-12-01 06:30" in page and "has not run" not in page
    assert "&lt;b&gt;loyal&lt;/b&gt; regulars" in page and "<b>loyal" not in page
    assert "321.50 predicted" in page and "72 %" in page and 'class="risk-high"' in page
    card = await (await agent.http.get("/api/customers/1")).json()
    assert card["estimated"] is False and card["churn_probability"] == 0.72
    assert card["segment"] == "<b>loyal</b> regulars" and card["churn_risk"] == "high"
