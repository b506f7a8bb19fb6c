"""The customers step on plain records: named segments, churn risk from the model or the
stand-in, CLV; one row per customer with the CRM's integer id."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kefu import customer_analytics
from nlp.records import Customer, Order, RecordSet


def test_too_few_buyers_for_the_churn_model_fall_back_on_the_stand_in() -> None:
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    customers = [Customer(str(i), now - timedelta(days=400)) for i in (1, 2, 3, 4)]
    orders = [
        Order(f"o{n}", str(1 + n % 3), now - timedelta(days=30 * n), 20.0 + n) for n in range(9)
    ]
    run = customer_analytics.compute(RecordSet(customers=customers, orders=orders), now)
    assert run.churn_source == "stand-in"
    by_id = {row.customer_id: row for row in run.rows}
    assert set(by_id) == {1, 2, 3, 4}
    assert by_id[4].churn_risk == 1.0 and by_id[4].lifetime_value == 0  # never bought
    assert by_id[1].churn_risk < 1.0 and by_id[1].lifetime_value > 0
    assert all(not row.segment.isdigit() for row in run.rows)


def test_no_customers_no_rows() -> None:
    run = customer_analytics.compute(RecordSet())
    assert run.rows == [] and run.summary(0)["customers"] == 0
