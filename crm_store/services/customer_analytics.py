"""What the analytics job learned about each customer, stored on the customer: the named
segment, the churn risk (a probability) and the lifetime value, with when they were computed.

The job (`python -m kefu nlp customers`) computes them with nlp; the CRM only keeps them, so the
customer card can show them without running any model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.models import Customer, utcnow

MAX_SEGMENT_CHARS = 64  # customers.segment


@dataclass(frozen=True)
class CustomerAnalytics:
    customer_id: int
    segment: str
    churn_risk: float
    lifetime_value: Decimal


async def store_customer_analytics(
    session: AsyncSession, rows: Sequence[CustomerAnalytics], at: datetime | None = None
) -> int:
    """Write each row onto its customer, stamped `at` (default now); returns how many were.

    Rows for customers that no longer exist or were erased since the job read the CRM are
    skipped: an erased customer keeps no profile, and analytics are one.
    """
    if not rows:
        return 0
    for row in rows:
        if not 0.0 <= row.churn_risk <= 1.0:
            raise ValueError(f"churn risk {row.churn_risk} of customer {row.customer_id}")
    stamp = at or utcnow()
    # Every live id rather than an IN list of the rows': no bound-parameter limit to hit.
    live = set(await session.scalars(select(Customer.id).where(Customer.erased_at.is_(None))))
    values = [
        {
            "id": row.customer_id,
            "segment": row.segment[:MAX_SEGMENT_CHARS],
            "churn_risk": row.churn_risk,
            "lifetime_value": row.lifetime_value.quantize(Decimal("0.01"), ROUND_HALF_UP),
            "analytics_at": stamp,
        }
        for row in rows
        if row.customer_id in live
    ]
    if values:
        # An ORM bulk UPDATE by primary key: one executemany, not one statement per customer.
        await session.execute(update(Customer), values)
    await session.flush()
    return len(values)
