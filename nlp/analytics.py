"""Customer analytics on plain records: RFM, segments, churn risk, CLV, headline KPIs.

Formulas live in nlp.metrics; this module turns records into the numbers those formulas need.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from nlp import metrics
from nlp.records import Conversation, Customer, Feedback, Order

# Orders in these states earn nothing and do not count as purchases.
VOID_STATUSES = frozenset({"cancelled", "canceled", "refunded", "returned", "failed"})
CHURN_DAYS = 90  # no purchase for this long = churned (a common retail default; configurable)
CLV_HORIZON_MONTHS = 12
CLV_ANNUAL_DISCOUNT = 0.10


def valid_orders(orders: Sequence[Order]) -> list[Order]:
    return [o for o in orders if o.status.lower() not in VOID_STATUSES]


def _now(as_of: datetime | None) -> datetime:
    return as_of or datetime.now(timezone.utc)


@dataclass(frozen=True)
class RFM:
    customer_id: str
    recency_days: float
    frequency: int
    monetary: float
    r: int
    f: int
    m: int

    @property
    def score(self) -> str:
        return f"{self.r}{self.f}{self.m}"


def rfm(
    customers: Sequence[Customer], orders: Sequence[Order], as_of: datetime | None = None
) -> list[RFM]:
    """Recency (days since last valid order), frequency (orders), monetary (total) + 1-5 scores.

    Customers without orders get recency = days since they signed up (or 10 years) and 0/0.0.
    """
    now = _now(as_of)
    by_cust: dict[str, list[Order]] = defaultdict(list)
    for o in valid_orders(orders):
        if o.created_at <= now:
            by_cust[o.customer_id].append(o)
    ids = [c.id for c in customers] or sorted(by_cust)
    created = {c.id: c.created_at for c in customers}
    rec, freq, mon = [], [], []
    for cid in ids:
        mine = by_cust.get(cid, [])
        if mine:
            last = max(o.created_at for o in mine)
        else:
            last = created.get(cid) or now - timedelta(days=3650)
        rec.append(max(0.0, (now - last).total_seconds() / 86400))
        freq.append(len(mine))
        mon.append(float(sum(o.amount for o in mine)))
    r = metrics.quantile_scores(rec, higher_is_better=False)
    f = metrics.quantile_scores([float(x) for x in freq])
    m = metrics.quantile_scores(mon)
    return [RFM(cid, rec[i], freq[i], mon[i], r[i], f[i], m[i]) for i, cid in enumerate(ids)]


@dataclass
class Segmentation:
    """Cluster per customer (-1 = DBSCAN noise), the chosen k and its silhouette."""

    labels: list[int]
    method: str
    k: int
    silhouette: float | None
    silhouette_by_k: dict[int, float] = field(default_factory=dict)
    centers: list[list[float]] = field(default_factory=list)


def _scaled(rows: np.ndarray) -> np.ndarray:
    from sklearn.preprocessing import StandardScaler

    # log1p: spend and order counts are long-tailed, and KMeans is not.
    return StandardScaler().fit_transform(np.log1p(np.clip(rows, 0, None)))


def segment(
    features: Sequence[Sequence[float]],
    method: str = "kmeans",
    k_range: Sequence[int] = range(2, 9),
    eps: float = 0.5,
    min_samples: int = 5,
    seed: int = 0,
) -> Segmentation:
    """Segments on (e.g. RFM) features: KMeans with k by silhouette, or DBSCAN."""
    from sklearn.cluster import DBSCAN, KMeans
    from sklearn.metrics import silhouette_score

    x = np.asarray(features, dtype=float)
    if len(x) < 3:
        return Segmentation([0] * len(x), method, 1 if len(x) else 0, None)
    xs = _scaled(x)
    if method == "dbscan":
        labels = DBSCAN(eps=eps, min_samples=min_samples).fit_predict(xs)
        clusters = {int(v) for v in labels if v >= 0}
        mask = labels >= 0
        sil = None
        if len(clusters) >= 2 and mask.sum() > len(clusters):
            sil = float(silhouette_score(xs[mask], labels[mask]))
        return Segmentation([int(v) for v in labels], "dbscan", len(clusters), sil)
    if method != "kmeans":
        raise ValueError(f"unknown segmentation method {method!r} (kmeans or dbscan)")
    best: tuple[float, Any] | None = None
    by_k: dict[int, float] = {}
    for k in k_range:
        if not 2 <= k < len(x):
            continue
        km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(xs)
        if len(set(km.labels_)) < 2:
            continue
        by_k[k] = float(silhouette_score(xs, km.labels_))
        if best is None or by_k[k] > best[0]:
            best = (by_k[k], km)
    if best is None:
        return Segmentation([0] * len(x), "kmeans", 1, None)
    sil, km = best
    return Segmentation(
        [int(v) for v in km.labels_], "kmeans", km.n_clusters, sil, by_k,
        km.cluster_centers_.tolist(),
    )  # fmt: skip


def segment_names(table: Sequence[RFM], labels: Sequence[int]) -> dict[int, str]:
    """Each segment named in words from its customers' median RFM against everyone's:
    recent and frequent buyers are "loyal", frequent ones gone quiet are "at risk", and so on."""
    if not table:
        return {}
    rec = float(np.median([r.recency_days for r in table]))
    freq = float(np.median([r.frequency for r in table]))
    mon = float(np.median([r.monetary for r in table]))
    names: dict[int, str] = {}
    for seg in sorted(set(labels)):
        rows = [r for r, lab in zip(table, labels, strict=True) if lab == seg]
        recent = np.median([r.recency_days for r in rows]) < rec
        frequent = np.median([r.frequency for r in rows]) >= freq
        big = np.median([r.monetary for r in rows]) >= mon
        if seg < 0:
            name = "unusual customers (outliers)"
        elif recent and frequent:
            name = "loyal high spenders" if big else "loyal regulars"
        elif recent:
            name = "new or occasional, big baskets" if big else "new or occasional buyers"
        elif frequent:
            name = "at risk: were regulars, gone quiet"
        else:
            name = "lapsed, were big spenders" if big else "lapsed one-time buyers"
        n = 2
        base = name
        while name in names.values():  # two segments alike still need distinct names
            name = f"{base} ({n})"
            n += 1
        names[seg] = name
    return names


CHURN_FEATURES = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "tenure_days",
    "void_share",
    "mean_csat",
    "conversations",
    "handoffs",
)


def customer_features(
    customers: Sequence[Customer],
    orders: Sequence[Order],
    as_of: datetime,
    feedback: Sequence[Feedback] = (),
    conversations: Sequence[Conversation] = (),
) -> dict[str, dict[str, float]]:
    """Churn-model inputs per customer, from records dated before `as_of` only (no leakage)."""
    by_cust: dict[str, list[Order]] = defaultdict(list)
    for o in orders:
        if o.created_at < as_of:
            by_cust[o.customer_id].append(o)
    csats: dict[str, list[int]] = defaultdict(list)
    for fb in feedback:
        if fb.customer_id and fb.csat is not None and (fb.created_at or as_of) <= as_of:
            csats[fb.customer_id].append(fb.csat)
    convs: Counter[str] = Counter()
    handoffs: Counter[str] = Counter()
    for c in conversations:
        if c.customer_id and (c.started_at or as_of) <= as_of:
            convs[c.customer_id] += 1
            handoffs[c.customer_id] += int(c.handoff)
    out: dict[str, dict[str, float]] = {}
    for cust in customers:
        mine = by_cust.get(cust.id, [])
        valid = valid_orders(mine)
        first = min([o.created_at for o in mine], default=cust.created_at or as_of)
        last = max([o.created_at for o in valid], default=cust.created_at or first)
        total = float(sum(o.amount for o in valid))
        out[cust.id] = {
            "recency_days": (as_of - last).total_seconds() / 86400,
            "frequency": float(len(valid)),
            "monetary": total,
            "avg_order_value": total / len(valid) if valid else 0.0,
            "tenure_days": (as_of - (cust.created_at or first)).total_seconds() / 86400,
            "void_share": (len(mine) - len(valid)) / len(mine) if mine else 0.0,
            "mean_csat": float(np.mean(csats[cust.id])) if csats.get(cust.id) else 3.0,
            "conversations": float(convs[cust.id]),
            "handoffs": float(handoffs[cust.id]),
        }
    return out


@dataclass
class ChurnModel:
    """RandomForest of P(no purchase in the next CHURN_DAYS); joblib-saved like the others."""

    estimator: Any
    churn_days: int
    metrics: dict[str, Any]

    def risk(self, features: dict[str, dict[str, float]]) -> dict[str, float]:
        if not features:
            return {}
        ids = list(features)
        x = np.array([[features[i][f] for f in CHURN_FEATURES] for i in ids])
        proba = self.estimator.predict_proba(x)
        col = list(self.estimator.classes_).index(1) if 1 in self.estimator.classes_ else None
        return {i: float(proba[n, col]) if col is not None else 0.0 for n, i in enumerate(ids)}


def train_churn(
    customers: Sequence[Customer],
    orders: Sequence[Order],
    as_of: datetime | None = None,
    feedback: Sequence[Feedback] = (),
    conversations: Sequence[Conversation] = (),
    churn_days: int = CHURN_DAYS,
    seed: int = 0,
) -> ChurnModel:
    """Features at as_of - churn_days; label = no valid order in the churn_days that follow.

    Only customers who had bought before the cutoff are labelled (others cannot churn).
    Prints and stores held-out ROC-AUC and feature importances.
    """
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import train_test_split

    now = _now(as_of)
    cutoff = now - timedelta(days=churn_days)
    feats = customer_features(customers, orders, cutoff, feedback, conversations)
    bought_after = {o.customer_id for o in valid_orders(orders) if cutoff <= o.created_at < now}
    ids = [i for i, f in feats.items() if f["frequency"] > 0]
    y = np.array([int(i not in bought_after) for i in ids])
    if len(ids) < 10 or len(set(y.tolist())) < 2:
        raise ValueError("churn training needs 10+ past buyers, some churned and some not")
    x = np.array([[feats[i][f] for f in CHURN_FEATURES] for i in ids])

    def forest() -> RandomForestClassifier:
        return RandomForestClassifier(
            n_estimators=200, min_samples_leaf=3, class_weight="balanced", n_jobs=1,
            random_state=seed,
        )  # fmt: skip

    strat = y if min(np.bincount(y)) >= 2 else None
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=0.25, random_state=seed, stratify=strat
    )
    held = forest().fit(x_tr, y_tr)
    auc = metrics.roc_auc(y_te.tolist(), held.predict_proba(x_te)[:, -1].tolist())
    final = forest().fit(x, y)
    importances = dict(zip(CHURN_FEATURES, map(float, final.feature_importances_), strict=True))
    info = {
        "customers": len(ids),
        "churned_share": float(y.mean()),
        "heldout_roc_auc": auc,
        "feature_importances": dict(sorted(importances.items(), key=lambda kv: -kv[1])),
        "churn_days": churn_days,
    }
    top = ", ".join(f"{k} {v:.2f}" for k, v in list(info["feature_importances"].items())[:4])
    print(
        f"churn: {len(ids)} customers, held-out ROC-AUC {auc}, importances: {top}", file=sys.stderr
    )
    return ChurnModel(final, churn_days, info)


def _months_active(features: dict[str, float]) -> float:
    return max(1.0, features["tenure_days"] / 30.4)


def _stand_in_risk(features: dict[str, float]) -> float:
    return 1.0 - min(1.0, features["frequency"] / _months_active(features))


def stand_in_churn_risk(
    customers: Sequence[Customer], orders: Sequence[Order], as_of: datetime | None = None
) -> dict[str, float]:
    """The crude churn risk customer_clv falls back on without a churn model: 1 - min(1,
    orders per month active). For when train_churn cannot train (too few past buyers)."""
    feats = customer_features(customers, orders, _now(as_of))
    return {cid: _stand_in_risk(f) for cid, f in feats.items()}


def customer_clv(
    customers: Sequence[Customer],
    orders: Sequence[Order],
    churn_risk: dict[str, float] | None = None,
    as_of: datetime | None = None,
    horizon_months: int = CLV_HORIZON_MONTHS,
    annual_discount: float = CLV_ANNUAL_DISCOUNT,
) -> dict[str, float]:
    """CLV per customer over `horizon_months`, discounted at `annual_discount` a year.

    Expected monthly revenue = spend so far / months active (at least one). Monthly retention
    = (1 - churn risk over the churn window) ^ (30 / CHURN_DAYS); without a churn model, the
    risk is 1 - min(1, orders / months active) as a crude stand-in.
    """
    now = _now(as_of)
    feats = customer_features(customers, orders, now)
    d = metrics.monthly_rate(annual_discount)
    out = {}
    for cid, f in feats.items():
        months = _months_active(f)
        per_month = f["monetary"] / months
        if churn_risk is not None and cid in churn_risk:
            risk = churn_risk[cid]
        else:
            risk = _stand_in_risk(f)
        retention = (1.0 - risk) ** (30.0 / CHURN_DAYS)
        out[cid] = metrics.clv(per_month, retention, horizon_months, d)
    return out


def kpis(
    customers: Sequence[Customer],
    orders: Sequence[Order],
    feedback: Sequence[Feedback] = (),
    conversations: Sequence[Conversation] = (),
    as_of: datetime | None = None,
    window_days: int = 30,
    churn_days: int = CHURN_DAYS,
) -> dict[str, float | None]:
    """Headline CRM numbers (all formulas in nlp.metrics)."""
    now = _now(as_of)
    valid = valid_orders(orders)
    per_cust = Counter(o.customer_id for o in valid)
    start = now - timedelta(days=churn_days)
    active_before = {o.customer_id for o in valid if o.created_at < start}
    active_after = {o.customer_id for o in valid if start <= o.created_at < now}
    since = now - timedelta(days=window_days)
    engaged = {o.customer_id for o in orders if o.created_at >= since}
    engaged |= {
        c.customer_id for c in conversations if c.customer_id and (c.started_at or now) >= since
    }
    engaged |= {f.customer_id for f in feedback if f.customer_id and (f.created_at or now) >= since}
    known = {c.id for c in customers}
    resolved_bot = sum(1 for c in conversations if c.outcome == "resolved" and not c.handoff)
    csats = [f.csat for f in feedback] + [c.csat for c in conversations if c.csat is not None]
    return {
        "customers": float(len(customers)),
        "csat_score": metrics.csat_score(csats),
        "nps": metrics.nps([f.nps for f in feedback]),
        "churn_rate": metrics.churn_rate(len(active_before), len(active_before - active_after)),
        "repeat_purchase_rate": metrics.repeat_purchase_rate(per_cust.values()),
        "engagement_rate": metrics.engagement_rate(len(engaged & known), len(customers)),
        "containment_rate": metrics.containment_rate(resolved_bot, len(conversations)),
    }
