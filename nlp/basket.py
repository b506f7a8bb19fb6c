"""Market-basket analysis on plain orders: association rules and "customers also bought"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from nlp import metrics
from nlp.analytics import valid_orders
from nlp.records import Order


@dataclass(frozen=True)
class Rule:
    antecedent: tuple[str, ...]
    consequent: str
    support: float
    confidence: float
    lift: float


def association_rules(
    orders: Sequence[Order],
    min_support: float = 0.01,
    min_confidence: float = 0.1,
    max_len: int = 3,
) -> list[Rule]:
    """Apriori over order baskets (itemsets up to max_len); rules X -> y sorted by lift."""
    baskets = [frozenset(i.product_id for i in o.items) for o in valid_orders(orders) if o.items]
    n = len(baskets)
    if n == 0:
        return []
    counts: dict[frozenset[str], int] = {}
    level = {frozenset([i]): c for i, c in Counter(i for b in baskets for i in b).items()}
    level = {s: c for s, c in level.items() if c / n >= min_support}
    size = 1
    while level:
        counts.update(level)
        size += 1
        if size > max_len:
            break
        items = sorted({i for s in level for i in s})
        frequent = set(level)
        candidates = {
            frozenset(c)
            for c in combinations(items, size)
            if all(frozenset(sub) in frequent for sub in combinations(c, size - 1))
        }
        tally: Counter[frozenset[str]] = Counter()
        for b in baskets:
            if len(b) >= size:
                for c in candidates:
                    if c <= b:
                        tally[c] += 1
        level = {s: c for s, c in tally.items() if c / n >= min_support}
    rules = []
    for itemset, c in counts.items():
        if len(itemset) < 2:
            continue
        s_both = metrics.support(c, n)
        for y in itemset:
            x = itemset - {y}
            s_x = metrics.support(counts[x], n)
            conf = metrics.confidence(s_both, s_x)
            if conf >= min_confidence:
                lift = metrics.lift(s_both, s_x, metrics.support(counts[frozenset([y])], n))
                rules.append(Rule(tuple(sorted(x)), y, s_both, conf, lift))
    return sorted(rules, key=lambda r: (-r.lift, -r.confidence, r.antecedent, r.consequent))


def also_bought(items: Sequence[str], rules: Sequence[Rule], k: int = 5) -> list[tuple[str, float]]:
    """ "Customers also bought": consequents of rules whose antecedent is in `items`, by lift."""
    have = set(items)
    best: dict[str, float] = {}
    for r in rules:
        if r.consequent not in have and set(r.antecedent) <= have:
            best[r.consequent] = max(best.get(r.consequent, 0.0), r.lift)
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
