"""Every metric formula Kefu reports, in one place: CRM, customer value, basket and evaluation.

Each function takes plain numbers or lists and documents its formula; empty input gives None
(or 0.0 where a count is meant) rather than a division by zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

# ---- customer satisfaction and loyalty --------------------------------------------------------


def csat_score(ratings: Iterable[int | None]) -> float | None:
    """CSAT score = share of 1-5 ratings that are 4 or 5, in percent. None if no ratings."""
    valid = [r for r in ratings if isinstance(r, int | float) and 1 <= r <= 5]
    if not valid:
        return None
    return 100.0 * sum(1 for r in valid if r >= 4) / len(valid)


def nps(scores: Iterable[int | None]) -> float | None:
    """Net Promoter Score = % promoters (9-10) minus % detractors (0-6), in points [-100, 100]."""
    valid = [s for s in scores if isinstance(s, int | float) and 0 <= s <= 10]
    if not valid:
        return None
    promoters = sum(1 for s in valid if s >= 9)
    detractors = sum(1 for s in valid if s <= 6)
    return 100.0 * (promoters - detractors) / len(valid)


def response_rate(responses: int, surveys_sent: int) -> float | None:
    """Survey response rate = responses / surveys sent, in percent."""
    return None if surveys_sent <= 0 else 100.0 * responses / surveys_sent


def containment_rate(resolved_without_handoff: int, conversations: int) -> float | None:
    """Containment = conversations resolved with no handoff / all conversations, in percent."""
    return None if conversations <= 0 else 100.0 * resolved_without_handoff / conversations


def churn_rate(customers_at_start: int, customers_lost: int) -> float | None:
    """Churn rate = customers lost in the period / customers at its start, in percent."""
    return None if customers_at_start <= 0 else 100.0 * customers_lost / customers_at_start


def repeat_purchase_rate(orders_per_customer: Iterable[int]) -> float | None:
    """Repeat-purchase rate = customers with 2+ orders / customers with 1+ orders, in percent."""
    buyers = [n for n in orders_per_customer if n >= 1]
    if not buyers:
        return None
    return 100.0 * sum(1 for n in buyers if n >= 2) / len(buyers)


def engagement_rate(active_customers: int, customers: int) -> float | None:
    """Engagement = customers with any order, conversation or feedback in the window / all."""
    return None if customers <= 0 else 100.0 * active_customers / customers


# ---- RFM and customer lifetime value ----------------------------------------------------------


def quantile_scores(
    values: Sequence[float], bins: int = 5, higher_is_better: bool = True
) -> list[int]:
    """RFM-style 1..bins score by rank: the top fifth of values gets `bins` (ties share a rank).

    For recency pass higher_is_better=False (fewer days since the last order is better).
    """
    n = len(values)
    if n == 0:
        return []
    order = sorted(range(n), key=lambda i: values[i])
    ranks = [0.0] * n
    i = 0
    while i < n:  # average rank of ties, so equal values always share a score
        j = i
        while j + 1 < n and values[order[j + 1]] == values[order[i]]:
            j += 1
        for m in range(i, j + 1):
            ranks[order[m]] = (i + j) / 2
        i = j + 1
    scores = [min(bins, 1 + int(bins * (r + 0.5) / n)) for r in ranks]
    return scores if higher_is_better else [bins + 1 - s for s in scores]


def monthly_rate(annual_rate: float) -> float:
    """The monthly rate equivalent to an annual one: (1 + annual)^(1/12) - 1."""
    return (1.0 + annual_rate) ** (1.0 / 12.0) - 1.0


def clv(
    expected_revenue_per_period: float,
    retention_per_period: float,
    horizon_periods: int,
    discount_rate_per_period: float,
) -> float:
    """Customer lifetime value = sum over t=1..H of m * r^t / (1 + d)^t.

    m: expected revenue (margin if you have it) per period; r: probability the customer is
    still active each period (1 - churn probability); d: discount rate per period; H: horizon.
    """
    if horizon_periods <= 0 or expected_revenue_per_period <= 0:
        return 0.0
    r = min(max(retention_per_period, 0.0), 1.0)
    return sum(
        expected_revenue_per_period * r**t / (1.0 + discount_rate_per_period) ** t
        for t in range(1, horizon_periods + 1)
    )


# ---- association rules ------------------------------------------------------------------------


def support(count_itemset: int, n_baskets: int) -> float:
    """support(X) = baskets containing X / all baskets."""
    return 0.0 if n_baskets <= 0 else count_itemset / n_baskets


def confidence(support_both: float, support_antecedent: float) -> float:
    """confidence(A -> B) = support(A and B) / support(A)."""
    return 0.0 if support_antecedent <= 0 else support_both / support_antecedent


def lift(support_both: float, support_antecedent: float, support_consequent: float) -> float:
    """lift(A -> B) = support(A and B) / (support(A) * support(B)); 1 means independent."""
    denom = support_antecedent * support_consequent
    return 0.0 if denom <= 0 else support_both / denom


# ---- evaluation -------------------------------------------------------------------------------


def precision_at_k(relevant: Sequence[bool], k: int) -> float:
    """Precision@k = relevant items among the first k results / k (missing results count as 0)."""
    if k <= 0:
        return 0.0
    return sum(1 for r in relevant[:k] if r) / k


def reciprocal_rank(relevant: Sequence[bool]) -> float:
    """1 / rank of the first relevant result (0 if none); MRR is its mean over queries."""
    for i, r in enumerate(relevant, 1):
        if r:
            return 1.0 / i
    return 0.0


def mean(values: Iterable[float]) -> float | None:
    vals = [v for v in values if v is not None and not math.isnan(v)]
    return sum(vals) / len(vals) if vals else None


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share in [0, 1]) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def clustering_agreement(predicted: Sequence[int], truth: Sequence[object]) -> dict[str, float]:
    """NMI and ARI of predicted clusters against true labels (scikit-learn's definitions)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    truth_s = [str(t) for t in truth]
    return {
        "nmi": float(normalized_mutual_info_score(truth_s, predicted)),
        "ari": float(adjusted_rand_score(truth_s, predicted)),
    }


def roc_auc(y_true: Sequence[int], scores: Sequence[float]) -> float | None:
    """ROC-AUC, or None when only one class is present (it is undefined then)."""
    from sklearn.metrics import roc_auc_score

    if len(set(y_true)) < 2:
        return None
    return float(roc_auc_score(y_true, scores))


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rank correlation rho, or None when either side is constant."""
    from scipy.stats import spearmanr

    if len(set(x)) < 2 or len(set(y)) < 2:
        return None
    return float(spearmanr(x, y).statistic)
