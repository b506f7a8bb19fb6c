"""Market-basket analysis: association rules and "customers also bought" on a toy shop."""

from __future__ import annotations

import pytest

from nlp import basket
from tests.nlp.test_analytics import _crm


def test_association_rules_and_also_bought() -> None:
    _, orders = _crm()
    rules = basket.association_rules(orders, min_support=0.05, min_confidence=0.2)
    butter = next(r for r in rules if r.antecedent == ("butter",) and r.consequent == "bread")
    assert butter.confidence == pytest.approx(1.0) and butter.lift == pytest.approx(1.0)
    assert all(r.support >= 0.05 and r.confidence >= 0.2 for r in rules)
    recs = basket.also_bought(["bread"], rules)
    assert recs and recs[0][0] == "butter"
    assert basket.association_rules([]) == []
    assert basket.also_bought([], []) == []
