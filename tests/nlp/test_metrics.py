"""Metric formulas against hand-computed values."""

from __future__ import annotations

import pytest

from nlp import metrics


def test_nps_of_a_known_list() -> None:
    # 4 promoters (9, 10, 10, 9), 3 passives (7, 8, 8), 3 detractors (0, 5, 6): (4 - 3) / 10.
    assert metrics.nps([9, 10, 10, 9, 7, 8, 8, 0, 5, 6, None, 11]) == pytest.approx(10.0)
    assert metrics.nps([]) is None


def test_csat_is_share_of_four_and_five() -> None:
    assert metrics.csat_score([5, 4, 3, 1, None, 9]) == pytest.approx(50.0)
    assert metrics.csat_score([]) is None


def test_rates() -> None:
    assert metrics.churn_rate(200, 30) == pytest.approx(15.0)
    assert metrics.churn_rate(0, 0) is None
    assert metrics.repeat_purchase_rate([0, 1, 2, 5]) == pytest.approx(200 / 3)
    assert metrics.engagement_rate(3, 12) == pytest.approx(25.0)
    assert metrics.containment_rate(7, 10) == pytest.approx(70.0)
    assert metrics.response_rate(1, 4) == pytest.approx(25.0)


def test_clv_closed_form() -> None:
    # m = 100, r = 0.9, d = 0.1, H = 2: 100*0.9/1.1 + 100*0.81/1.21
    assert metrics.clv(100, 0.9, 2, 0.1) == pytest.approx(90 / 1.1 + 81 / 1.21)
    assert metrics.clv(100, 0.9, 0, 0.1) == 0.0
    assert metrics.monthly_rate(0.1) == pytest.approx(1.1 ** (1 / 12) - 1)


def test_support_confidence_lift() -> None:
    s_ab, s_a, s_b = metrics.support(20, 100), metrics.support(40, 100), metrics.support(25, 100)
    assert metrics.confidence(s_ab, s_a) == pytest.approx(0.5)
    assert metrics.lift(s_ab, s_a, s_b) == pytest.approx(2.0)
    assert metrics.lift(0.1, 0.0, 0.5) == 0.0


def test_ranking_metrics() -> None:
    assert metrics.precision_at_k([True, False, True], 5) == pytest.approx(0.4)
    assert metrics.reciprocal_rank([False, False, True]) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank([]) == 0.0


def test_quantile_scores_rank_and_ties() -> None:
    assert metrics.quantile_scores([10, 20, 30, 40, 50]) == [1, 2, 3, 4, 5]
    assert metrics.quantile_scores([1, 1, 1]) == [3, 3, 3]
    # Recency: fewer days is better, so the smaller value gets the higher score.
    assert metrics.quantile_scores([1, 100], higher_is_better=False) == [4, 2]
    assert metrics.quantile_scores([]) == []


def test_evaluation_metrics() -> None:
    assert metrics.clustering_agreement([0, 0, 1, 1], ["a", "a", "b", "b"]) == {
        "nmi": pytest.approx(1.0),
        "ari": pytest.approx(1.0),
    }
    assert metrics.roc_auc([1, 1], [0.2, 0.3]) is None
    assert metrics.roc_auc([0, 1], [0.2, 0.3]) == pytest.approx(1.0)
    assert metrics.spearman([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert metrics.percentile([1, 2, 3, 4], 0.5) in (2, 3)
