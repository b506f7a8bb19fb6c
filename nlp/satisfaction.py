"""Predicted satisfaction (CSAT 1-5) of a conversation from sentiment trend, fallbacks, repeats,
handoff and outcome: a calibrated scikit-learn classifier of P(rating >= 4).

Trained on the project's own CSAT feedback when there is enough of it, otherwise bootstrapped
from STAR's task-success answers. The estimator is stored with joblib (a pickle), which is only
ever loaded from our own models directory (see nlp.artefacts).
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlp import artefacts
from nlp.metrics import roc_auc
from nlp.records import Conversation
from nlp.sentiment import SentimentModel
from nlp.text import clean, content_tokens

NAME = "satisfaction"
# Enough rated conversations to learn from our own customers rather than from STAR.
MIN_CSAT_RECORDS = 200
FALLBACK_INTENTS = frozenset(
    {"nlu_fallback", "out_of_scope", "action_default_fallback", "utter_default", "fallback"}
)
LOW_CONFIDENCE = 0.5
_FAIL = re.compile(
    r"\b(sorry|unfortunately|unable|cannot|can't|couldn't|unavailable|not available|failed|"
    r"not possible|no longer|didn't work|error)\b|(unavailable|fail|error)",
    re.IGNORECASE,
)
_SUCCESS = re.compile(
    r"\b(success\w*|booked|confirmed|reserved|done|completed|resolved|submitted|scheduled|"
    r"refunded|shipped)\b|(success|succeeded|confirm)",
    re.IGNORECASE,
)
FEATURES = (
    "customer_turns",
    "turns",
    "sent_mean",
    "sent_min",
    "sent_last",
    "sent_slope",
    "neg_share",
    "fallbacks",
    "repeats",
    "handoff",
    "outcome_resolved",
    "outcome_handoff",
    "outcome_abandoned",
    "low_confidence",
    "bot_failure_cues",
    "bot_success_cues",
)


@dataclass(frozen=True)
class SatisfactionScore:
    """csat: predicted rating 1-5; expected: 1 + 4 * P(rating >= 4); source: which model."""

    csat: int
    expected: float
    p_satisfied: float
    source: str
    features: dict[str, float]


def _repeats(texts: list[str]) -> int:
    """Customer turns that mostly repeat an earlier one (Jaccard >= 0.6 of content words)."""
    seen: list[set[str]] = []
    n = 0
    for t in texts:
        words = set(content_tokens(clean(t)))
        if words and any(len(words & s) / len(words | s) >= 0.6 for s in seen):
            n += 1
        if words:
            seen.append(words)
    return n


def _slope(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    x = np.arange(len(values), dtype=float)
    return float(np.polyfit(x, np.asarray(values), 1)[0])


def conversation_features(
    conv: Conversation, sentiment: SentimentModel | None = None
) -> dict[str, float]:
    """The model's inputs for one conversation (works for an empty conversation too)."""
    model = sentiment or SentimentModel()
    cust = [t for t in conv.turns if t.speaker == "customer"]
    bots = [t for t in conv.turns if t.speaker != "customer"]
    sents = [model.score(t.text) for t in cust] or [0.0]
    if conv.fallbacks is not None:
        fallbacks = int(conv.fallbacks)
    else:
        fallbacks = sum(1 for t in bots if (t.intent or "").lower() in FALLBACK_INTENTS)
    low_conf = sum(1 for t in cust if t.confidence is not None and t.confidence < LOW_CONFIDENCE)
    n_bots = max(len(bots), 1)

    def cue_share(rx: re.Pattern[str]) -> float:
        return sum(1 for t in bots if rx.search(f"{t.text[:2000]} {t.intent or ''}")) / n_bots

    return {
        "customer_turns": float(len(cust)),
        "turns": float(len(conv.turns)),
        "sent_mean": float(np.mean(sents)),
        "sent_min": float(min(sents)),
        "sent_last": float(sents[-1]),
        "sent_slope": _slope(sents),
        "neg_share": sum(1 for s in sents if s < -0.2) / len(sents),
        "fallbacks": float(fallbacks),
        "repeats": float(_repeats([t.text for t in cust])),
        "handoff": float(conv.handoff or conv.outcome == "handoff"),
        "outcome_resolved": float(conv.outcome == "resolved"),
        "outcome_handoff": float(conv.outcome == "handoff"),
        "outcome_abandoned": float(conv.outcome == "abandoned"),
        "low_confidence": float(low_conf),
        "bot_failure_cues": cue_share(_FAIL),
        "bot_success_cues": cue_share(_SUCCESS),
    }


def _matrix(rows: Sequence[dict[str, float]]) -> np.ndarray:
    return np.array([[r[f] for f in FEATURES] for r in rows], dtype=float)


def heuristic_probability(f: dict[str, float]) -> float:
    """Untrained prior used until a model exists: hand-set weights, documented, not learnt."""
    z = (
        0.5
        + 2.0 * f["sent_mean"]
        + 1.0 * f["sent_last"]
        - 0.6 * f["fallbacks"]
        - 0.5 * f["repeats"]
        - 1.0 * f["handoff"]
        + 0.8 * f["outcome_resolved"]
        - 1.2 * f["outcome_abandoned"]
        - 1.0 * f["bot_failure_cues"]
        + 1.0 * f["bot_success_cues"]
    )
    return 1.0 / (1.0 + math.exp(-z))


def _to_score(p: float, source: str, f: dict[str, float]) -> SatisfactionScore:
    p = float(min(max(p, 0.0), 1.0))
    expected = 1.0 + 4.0 * p
    return SatisfactionScore(int(min(5, max(1, round(expected)))), expected, p, source, f)


def _estimator(kind: str, seed: int) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if kind == "logreg":
        base: Any = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    else:
        base = HistGradientBoostingClassifier(
            max_iter=150, learning_rate=0.05, max_leaf_nodes=15, l2_regularization=1.0,
            random_state=seed,
        )  # fmt: skip
    return CalibratedClassifierCV(base, method="sigmoid", cv=3)


@dataclass
class SatisfactionModel:
    estimator: Any
    source: str  # "csat" (our own feedback) or "star" (bootstrapped)
    metrics: dict[str, Any] = field(default_factory=dict)
    sentiment: SentimentModel | None = None

    def score(self, conv: Conversation) -> SatisfactionScore:
        f = conversation_features(conv, self.sentiment)
        p = float(self.estimator.predict_proba(_matrix([f]))[0, 1])
        return _to_score(p, self.source, f)

    def save(self, models_dir: str | Path, data_digest: str, config: dict[str, Any]) -> Path:
        import joblib

        with artefacts.new_version(models_dir, NAME, data_digest) as path:
            joblib.dump(self.estimator, path / "estimator.joblib")
            cfg = {**config, "features": list(FEATURES), "source": self.source}
            artefacts.write_manifest(path, NAME, data_digest, cfg, self.metrics)
        return path

    @classmethod
    def load(
        cls,
        models_dir: str | Path,
        version: str | None = None,
        sentiment: SentimentModel | None = None,
    ) -> SatisfactionModel:
        """Load from our own models dir only: joblib unpickles, which runs code."""
        import joblib

        art = artefacts.load_artefact(models_dir, NAME, version)
        if art.manifest["config"].get("features") != list(FEATURES):
            raise artefacts.ModelVersionError(
                f"{art.path}: trained on other features than this code computes; retrain it"
            )
        est = joblib.load(art.file("estimator.joblib"))
        return cls(est, art.manifest["config"]["source"], art.manifest["metrics"], sentiment)


def score_conversation(
    conv: Conversation,
    model: SatisfactionModel | None = None,
    sentiment: SentimentModel | None = None,
) -> SatisfactionScore:
    """Conversation-end satisfaction; without a trained model the documented heuristic."""
    if model is not None:
        return model.score(conv)
    f = conversation_features(conv, sentiment)
    return _to_score(heuristic_probability(f), "heuristic", f)


def train(
    conversations: Sequence[Conversation],
    target: Callable[[Conversation], int | None],
    source: str,
    sentiment: SentimentModel | None = None,
    kind: str = "hgb",
    seed: int = 0,
) -> SatisfactionModel:
    """Fit on conversations whose target is 0/1 (None skipped); prints a held-out evaluation."""
    from sklearn.metrics import brier_score_loss, log_loss
    from sklearn.model_selection import train_test_split

    pairs = [(c, target(c)) for c in conversations]
    pairs = [(c, y) for c, y in pairs if y is not None]
    y = np.array([y for _, y in pairs])
    if len(pairs) < 20 or len(set(y.tolist())) < 2:
        raise ValueError("satisfaction training needs 20+ labelled conversations of both classes")
    x = _matrix([conversation_features(c, sentiment) for c, _ in pairs])
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)
    est = _estimator(kind, seed).fit(x_tr, y_tr)
    p = est.predict_proba(x_te)[:, 1]
    metrics = {
        "examples": len(pairs),
        "positive_share": float(y.mean()),
        "heldout_roc_auc": roc_auc(y_te.tolist(), p.tolist()),
        "heldout_brier": float(brier_score_loss(y_te, p)),
        "heldout_log_loss": float(log_loss(y_te, p, labels=[0, 1])),
        "estimator": kind,
    }
    print(
        f"satisfaction ({source}, {kind}): {len(pairs)} conversations; held-out ROC-AUC "
        f"{metrics['heldout_roc_auc']:.3f}, Brier {metrics['heldout_brier']:.3f}, "
        f"log loss {metrics['heldout_log_loss']:.3f}",
        file=sys.stderr,
    )
    final = _estimator(kind, seed).fit(x, y)  # the saved model learns from every example
    return SatisfactionModel(final, source, metrics, sentiment)


def csat_target(conv: Conversation) -> int | None:
    return None if conv.csat is None else int(conv.csat >= 4)


def star_target(conv: Conversation) -> int | None:
    v = conv.labels.get("task_success")
    return None if v is None else int(bool(v))


def train_from_records(
    conversations: Sequence[Conversation],
    bootstrap: Sequence[Conversation] = (),
    sentiment: SentimentModel | None = None,
    min_csat: int = MIN_CSAT_RECORDS,
    seed: int = 0,
) -> SatisfactionModel:
    """Our own CSAT ratings if there are at least `min_csat` of both kinds, else STAR's labels."""
    rated = [c for c in conversations if c.csat is not None]
    if len(rated) >= min_csat and len({csat_target(c) for c in rated}) == 2:
        return train(rated, csat_target, "csat", sentiment, seed=seed)
    if not bootstrap:
        raise ValueError(
            f"only {len(rated)} rated conversations (need {min_csat}) and no bootstrap data: "
            "pass STAR conversations (python -m nlp.star_convert)"
        )
    return train(bootstrap, star_target, "star", sentiment, seed=seed)
