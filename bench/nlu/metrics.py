"""Scores of one run: accuracy with and without the fallback, macro-F1, out-of-scope recall."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

# What a prediction is called when the pipeline's fallback fired (Rasa's FallbackClassifier).
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE = "<out of scope>"


@dataclass(frozen=True)
class Prediction:
    gold: str
    intent: str  # the final intent, FALLBACK_INTENT when the fallback fired
    top_intent: str  # the classifier's best intent, whether or not the fallback fired
    confidence: float  # of top_intent
    second_confidence: float  # of the runner-up, for simulating an ambiguity threshold
    ms: float


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    """Macro-F1 over the gold labels (a label never in gold but predicted only costs precision)."""
    labels = sorted(set(gold))
    true_positive: Counter[str] = Counter()
    predicted_count: Counter[str] = Counter(predicted)
    gold_count: Counter[str] = Counter(gold)
    for g, p in zip(gold, predicted, strict=True):
        if g == p:
            true_positive[g] += 1
    scores = []
    for label in labels:
        tp = true_positive[label]
        precision = tp / predicted_count[label] if predicted_count[label] else 0.0
        recall = tp / gold_count[label]
        scores.append(2 * precision * recall / (precision + recall) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def final_label(prediction: Prediction, threshold: float | None, ambiguity: float | None) -> str:
    """The label a run gives, optionally re-deciding the fallback at another threshold."""
    if threshold is None:
        fired = prediction.intent == FALLBACK_INTENT
    else:
        fired = prediction.confidence < threshold or (
            ambiguity is not None
            and prediction.confidence - prediction.second_confidence < ambiguity
        )
    return OUT_OF_SCOPE if fired or not prediction.top_intent else prediction.top_intent


def score(
    predictions: list[Prediction],
    oos_label: str | None,
    threshold: float | None = None,
    ambiguity: float | None = None,
) -> dict[str, float | int | None]:
    """All scores of a run; with `threshold`, as if the fallback had that threshold."""

    def gold_of(p: Prediction) -> str:
        return OUT_OF_SCOPE if p.gold == oos_label else p.gold

    gold = [gold_of(p) for p in predictions]
    final = [final_label(p, threshold, ambiguity) for p in predictions]
    in_scope = [i for i, g in enumerate(gold) if g != OUT_OF_SCOPE]
    oos = [i for i, g in enumerate(gold) if g == OUT_OF_SCOPE]
    n = len(predictions)

    def share(hits: int, total: int) -> float | None:
        return round(100 * hits / total, 2) if total else None

    return {
        # Final predictions, a fired fallback meaning "out of scope".
        "accuracy": share(sum(g == f for g, f in zip(gold, final, strict=True)), n),
        "macro_f1": round(macro_f1(gold, final), 4) if n else None,
        "in_scope_accuracy": share(sum(final[i] == gold[i] for i in in_scope), len(in_scope)),
        "oos_recall": share(sum(final[i] == OUT_OF_SCOPE for i in oos), len(oos)),
        "fallback_rate": share(sum(f == OUT_OF_SCOPE for f in final), n),
        # The classifier's best intent on in-scope examples, fallback ignored: what published
        # closed-set figures (Banking77, HWU64) measure.
        "closed_accuracy": share(
            sum(predictions[i].top_intent == gold[i] for i in in_scope), len(in_scope)
        ),
        "closed_macro_f1": round(
            macro_f1([gold[i] for i in in_scope], [predictions[i].top_intent for i in in_scope]), 4
        )
        if in_scope
        else None,
        "n_test": n,
        "n_test_oos": len(oos),
    }


def latency(predictions: list[Prediction]) -> dict[str, float]:
    timings = [p.ms for p in predictions]
    return {
        "parse_ms_p50": round(percentile(timings, 0.50), 2),
        "parse_ms_p95": round(percentile(timings, 0.95), 2),
    }


def sweep_threshold(
    predictions: list[Prediction],
    oos_label: str | None,
    thresholds: list[float],
    ambiguity: float | None,
) -> list[dict[str, float | int | None]]:
    """The scores at each candidate fallback threshold (for choosing one on validation data)."""
    rows = []
    for threshold in thresholds:
        row = score(predictions, oos_label, threshold, ambiguity)
        rows.append({"threshold": threshold, **row})
    return rows
