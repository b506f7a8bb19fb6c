"""Customer analytics on generated records with planted structure."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from nlp import analytics, metrics
from nlp.records import Conversation, Customer, Feedback, Order, OrderItem

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def _crm(seed: int = 0) -> tuple[list[Customer], list[Order]]:
    """Three planted groups: loyal big spenders, occasional buyers, lapsed one-timers."""
    rng = random.Random(seed)
    customers, orders = [], []
    groups = [("loyal", 25, 3, 300.0), ("occasional", 4, 40, 40.0), ("lapsed", 1, 300, 10.0)]
    for g, (name, n_orders, gap, spend) in enumerate(groups):
        for i in range(30):
            cid = f"{name}{i}"
            customers.append(Customer(cid, NOW - timedelta(days=700), segment=str(g)))
            for k in range(n_orders):
                day = gap * k + rng.uniform(0, gap / 3) + (rng.uniform(0, 3) if g < 2 else 200)
                items = [OrderItem("bread", 1, 2.0)]
                if rng.random() < 0.8:
                    items += [OrderItem("butter", 1, 3.0)]
                if rng.random() < 0.3:
                    items += [OrderItem(rng.choice(["tea", "jam", "soap"]), 1, 4.0)]
                orders.append(
                    Order(f"{cid}-{k}", cid, NOW - timedelta(days=day),
                          spend * rng.uniform(0.9, 1.1), "delivered", items)
                )  # fmt: skip
    return customers, orders


def test_rfm_values() -> None:
    cust = [Customer("a"), Customer("b"), Customer("c", NOW - timedelta(days=10))]
    orders = [
        Order("1", "a", NOW - timedelta(days=2), 50.0),
        Order("2", "a", NOW - timedelta(days=20), 30.0),
        Order("3", "a", NOW - timedelta(days=5), 99.0, status="cancelled"),
        Order("4", "b", NOW - timedelta(days=60), 10.0),
    ]
    rows = {r.customer_id: r for r in analytics.rfm(cust, orders, NOW)}
    assert rows["a"].recency_days == pytest.approx(2) and rows["a"].frequency == 2
    assert rows["a"].monetary == pytest.approx(80.0)
    assert rows["c"].frequency == 0 and rows["c"].recency_days == pytest.approx(10)
    assert rows["a"].r > rows["b"].r and rows["a"].m > rows["b"].m
    assert len(rows["a"].score) == 3


def test_kmeans_finds_the_three_planted_groups() -> None:
    customers, orders = _crm()
    table = analytics.rfm(customers, orders, NOW)
    seg = analytics.segment([[r.recency_days, r.frequency, r.monetary] for r in table])
    assert seg.k == 3 and seg.silhouette is not None and seg.silhouette > 0.5
    truth = [c.segment for c in customers]
    assert metrics.clustering_agreement(seg.labels, truth)["ari"] == pytest.approx(1.0)


def test_dbscan_option_and_tiny_input() -> None:
    customers, orders = _crm()
    table = analytics.rfm(customers, orders, NOW)
    seg = analytics.segment(
        [[r.recency_days, r.frequency, r.monetary] for r in table], method="dbscan", eps=0.8
    )
    assert seg.method == "dbscan" and seg.k == 3
    assert analytics.segment([[1, 2, 3]]).labels == [0]
    with pytest.raises(ValueError):
        analytics.segment([[1, 1, 1]] * 5, method="spectral")


def test_churn_model_reports_auc_and_importances() -> None:
    customers, orders = _crm()
    feedback = [Feedback(f"f{i}", c.id, csat=5) for i, c in enumerate(customers[:10])]
    convs = [Conversation("x", [], customer_id=customers[0].id, handoff=True)]
    model = analytics.train_churn(customers, orders, NOW, feedback, convs)
    assert model.metrics["heldout_roc_auc"] > 0.8
    assert set(model.metrics["feature_importances"]) == set(analytics.CHURN_FEATURES)
    risk = model.risk(analytics.customer_features(customers, orders, NOW))
    assert risk["lapsed0"] > risk["loyal0"]
    assert model.risk({}) == {}


def test_clv_orders_customers_sensibly() -> None:
    customers, orders = _crm()
    values = analytics.customer_clv(customers, orders, as_of=NOW)
    assert values["loyal0"] > values["occasional0"] > values["lapsed0"] >= 0
    # With a stated churn risk of 0 the CLV is the undiscounted-retention formula.
    one = analytics.customer_clv(customers[:1], orders, {"loyal0": 0.0}, NOW, 12, 0.1)
    feats = analytics.customer_features(customers[:1], orders, NOW)["loyal0"]
    per_month = feats["monetary"] / (feats["tenure_days"] / 30.4)
    assert one["loyal0"] == pytest.approx(
        metrics.clv(per_month, 1.0, 12, metrics.monthly_rate(0.1))
    )


def test_the_stand_in_churn_risk_is_what_clv_falls_back_on() -> None:
    customers, orders = _crm()
    risk = analytics.stand_in_churn_risk(customers, orders, NOW)
    assert set(risk) == {c.id for c in customers}
    assert all(0.0 <= r <= 1.0 for r in risk.values())
    assert risk["lapsed0"] > risk["loyal0"]
    assert analytics.customer_clv(customers, orders, risk, NOW) == analytics.customer_clv(
        customers, orders, as_of=NOW
    )


def test_kpis() -> None:
    customers, orders = _crm()
    feedback = [Feedback("1", "loyal0", nps=10, csat=5), Feedback("2", "lapsed0", nps=3, csat=2)]
    convs = [
        Conversation("a", [], outcome="resolved"),
        Conversation("b", [], outcome="resolved", handoff=True),
    ]
    k = analytics.kpis(customers, orders, feedback, convs, NOW)
    assert k["nps"] == pytest.approx(0.0) and k["csat_score"] == pytest.approx(50.0)
    assert k["containment_rate"] == pytest.approx(50.0)
    assert k["repeat_purchase_rate"] == pytest.approx(200 / 3)
    # Customers buying before the 90-day window: occasional and lapsed (the loyal group's
    # orders all fall inside it); of those 60 the 30 lapsed bought nothing since: 50 %.
    assert k["churn_rate"] == pytest.approx(50.0)


def test_segments_are_named_in_words() -> None:
    from nlp.analytics import RFM, segment_names

    table = [
        RFM("loyal", 5, 12, 900.0, 5, 5, 5),
        RFM("loyal2", 8, 10, 800.0, 5, 5, 5),
        RFM("gone", 300, 1, 20.0, 1, 1, 1),
        RFM("gone2", 280, 1, 25.0, 1, 1, 1),
        RFM("quiet", 250, 9, 500.0, 1, 5, 4),
    ]
    names = segment_names(table, [0, 0, 1, 1, 2])
    assert names == {
        0: "loyal high spenders",
        1: "lapsed one-time buyers",
        2: "at risk: were regulars, gone quiet",
    }
    assert segment_names(table, [0, 0, 0, 0, -1])[-1] == "unusual customers (outliers)"
