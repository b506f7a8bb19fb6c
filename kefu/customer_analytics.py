"""`python -m kefu nlp customers` (also run by `report`): every customer's named segment, churn
risk and lifetime value, computed by nlp.analytics and stored on the customer in the CRM, where
the console's customer card shows them "as of" this run.

Churn risk is the churn model's probability when it can train on the CRM's orders (10+ past
buyers, some churned), else nlp's stand-in (1 - orders per month active); CLV uses that risk.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.db import create_engine, create_sessionmaker, describe_error, display_url
from crm_store.services.customer_analytics import CustomerAnalytics, store_customer_analytics
from nlp import analytics
from nlp.compute import one_core
from nlp.records import RecordSet


class CrmUnwritable(Exception):
    """The analytics could not be stored in the CRM; the message says where and why."""


@dataclass(frozen=True)
class CustomerAnalyticsRun:
    rows: list[CustomerAnalytics]
    churn_source: str  # "churn model" or "stand-in"
    as_of: datetime

    def summary(self, stored: int) -> dict[str, object]:
        return {
            "customers": stored,
            "churn_risk_from": self.churn_source,
            "as_of": self.as_of.isoformat(),
            "segments": dict(Counter(row.segment for row in self.rows).most_common()),
        }


def churn_risks(records: RecordSet, as_of: datetime) -> tuple[dict[str, float], str]:
    """P(churn) per customer id from a churn model trained now, or the stand-in if it cannot."""
    customers, orders = records.customers, records.orders
    try:
        model = analytics.train_churn(
            customers, orders, as_of, records.feedback, records.conversations
        )
    except ValueError as exc:
        print(f"customers: churn risk from the stand-in ({exc})", file=sys.stderr)
        return analytics.stand_in_churn_risk(customers, orders, as_of), "stand-in"
    features = analytics.customer_features(
        customers, orders, as_of, records.feedback, records.conversations
    )
    return model.risk(features), "churn model"


def compute(records: RecordSet, as_of: datetime | None = None) -> CustomerAnalyticsRun:
    """Named segment, churn risk and CLV for every customer in `records` (CRM ids as strings)."""
    now = as_of or datetime.now(timezone.utc)
    customers, orders = records.customers, records.orders
    if not customers:
        return CustomerAnalyticsRun([], "none", now)
    with one_core():
        table = analytics.rfm(customers, orders, now)
        seg = analytics.segment([[r.recency_days, r.frequency, r.monetary] for r in table])
        names = analytics.segment_names(table, seg.labels)
        segment_of = {
            r.customer_id: names[label] for r, label in zip(table, seg.labels, strict=True)
        }
        risk, source = churn_risks(records, now)
        clv = analytics.customer_clv(customers, orders, risk, now)
    rows = [
        CustomerAnalytics(
            customer_id=int(c.id),
            segment=segment_of[c.id],
            churn_risk=min(1.0, max(0.0, risk[c.id])),
            lifetime_value=Decimal(str(round(clv[c.id], 2))),
        )
        for c in customers
    ]
    return CustomerAnalyticsRun(rows, source, now)


async def store_with(sessions: async_sessionmaker[AsyncSession], run: CustomerAnalyticsRun) -> int:
    """Write the run's rows onto the CRM's customers in one transaction; returns how many."""
    async with sessions() as session, session.begin():
        return await store_customer_analytics(session, run.rows, at=run.as_of)


async def store(url: str, run: CustomerAnalyticsRun) -> int:
    """`store_with` on the CRM at `url`, failures told as CrmUnwritable."""
    engine = create_engine(url)
    try:
        return await store_with(create_sessionmaker(engine), run)
    except Exception as error:
        raise CrmUnwritable(
            f"cannot store customer analytics in the CRM at {display_url(url)}: "
            f"{describe_error(error)}"
        ) from error
    finally:
        await engine.dispose()
