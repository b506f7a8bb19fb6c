"""Predicted satisfaction of a conversation: a graded ridge regression on whatever ratings exist.

The model learns the rating itself — 1-5 CSAT, means of several ratings, or two classes as
0/1 — with no cut: real ratings cluster at 3-4, and a "rating >= 4" class is then nearly empty.
Four ridge regressions each read one view of the conversation (the hand-made signals of
`satisfaction_features`, TF-IDF of the customer's words, MiniLM embeddings of the whole
customer text and of its last turns); a non-negative linear stack, fitted on their
out-of-fold predictions, combines them. With fewer than MIN_EXAMPLES labels, or one value only,
the model is the prior (the labels' mean) and its manifest says so.

Trained on the project's own CSAT when there is enough of it, otherwise bootstrapped from
STAR's task-success answers. Estimators are stored with joblib (a pickle), only ever loaded
from our own models directory (see nlp.artefacts).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlp import artefacts
from nlp import satisfaction_views as views_
from nlp.embeddings import Embedder, get_embedder
from nlp.records import Conversation
from nlp.satisfaction_features import FEATURES, conversation_features
from nlp.sentiment import SentimentModel

NAME = "satisfaction"
# Enough rated conversations to learn from our own customers rather than from STAR.
MIN_CSAT_RECORDS = 200
# Below this many labels (or with one value only) the model is the prior: the labels' mean.
MIN_EXAMPLES = 20
FOLDS = 5

__all__ = ["FEATURES", "SatisfactionModel", "SatisfactionScore", "conversation_features"]


@dataclass(frozen=True)
class SatisfactionScore:
    """rating: on the labels' own scale; expected: the same mapped onto CSAT 1-5; csat: rounded.

    p_satisfied is the position on that scale, (expected - 1) / 4, in [0, 1].
    """

    csat: int
    expected: float
    p_satisfied: float
    source: str
    features: dict[str, float]
    rating: float = 0.0


@dataclass(frozen=True)
class Scale:
    """The labels' range, so a prediction on any scale reads as CSAT 1-5."""

    low: float = 1.0
    high: float = 5.0

    @classmethod
    def of(cls, y: Sequence[float]) -> Scale:
        lo, hi = float(min(y)), float(max(y))
        if lo >= 1.0 and hi <= 5.0 and hi - lo > 1.0:
            return cls(1.0, 5.0)
        return cls(lo, hi) if hi > lo else cls(lo - 1.0, lo + 1.0)

    def to_csat(self, value: float) -> float:
        v = min(max(value, self.low), self.high)
        return 1.0 + 4.0 * (v - self.low) / (self.high - self.low)


def _to_score(
    expected: float, source: str, f: dict[str, float], rating: float
) -> SatisfactionScore:
    expected = float(min(max(expected, 1.0), 5.0))
    return SatisfactionScore(
        int(min(5, max(1, round(expected)))), expected, (expected - 1.0) / 4.0, source, f, rating
    )


def heuristic_probability(f: dict[str, float]) -> float:
    """Untrained prior used until a model exists: hand-set weights, documented, not learnt."""
    z = (
        0.5
        + 2.0 * f["sent_mean"]
        + 1.0 * f["sent_recent"]
        - 0.6 * f["fallbacks"]
        - 0.3 * f["clarifications"]
        - 0.5 * f["repeats"]
        - 1.0 * f["handoff"]
        - 0.5 * f["handoff_requests"]
        + 0.8 * f["outcome_resolved"]
        - 1.2 * f["outcome_abandoned"]
        - 1.0 * f["bot_failure_cues"]
        + 1.0 * f["bot_success_cues"]
        + 0.5 * f["end_thanks"]
    )
    return 1.0 / (1.0 + math.exp(-z))


@dataclass
class SatisfactionModel:
    """Fitted blocks and stack (or only a prior); `score()` is what the scorer calls."""

    blocks: dict[str, Any]
    stack: list[float]
    intercept: float
    scale: Scale
    source: str  # "csat" (our own feedback), "star" (bootstrapped) or what an evaluation names
    fitted: views_.Fitted | None = None
    prior: float | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    sentiment: SentimentModel | None = None
    embedder: Embedder | None = None

    @property
    def uses_embeddings(self) -> bool:
        return "embedding" in self.blocks

    def _embedder(self) -> Embedder:
        return self.embedder or get_embedder()

    def predict_views(self, v: views_.Views) -> np.ndarray:
        """Predicted ratings on the labels' scale for prepared views."""
        n = len(v.texts)
        if self.prior is not None:
            return np.full(n, self.prior)
        if self.uses_embeddings and v.embedding is None:
            raise artefacts.ModelVersionError(
                "this satisfaction model was trained with sentence embeddings, which are not "
                "available now (install the weights or retrain)"
            )
        preds = np.column_stack(
            [self.blocks[b].predict(views_.inputs(v, b, self.fitted)) for b in self.blocks]
        )
        return preds @ np.asarray(self.stack) + self.intercept

    def predict(self, convs: Sequence[Conversation]) -> np.ndarray:
        embedder = self._embedder() if self.uses_embeddings else Embedder(None)
        return self.predict_views(views_.views(convs, self.sentiment, embedder))

    def scores(self, convs: Sequence[Conversation]) -> list[SatisfactionScore]:
        embedder = self._embedder() if self.uses_embeddings else Embedder(None)
        v = views_.views(convs, self.sentiment, embedder)
        return [
            _to_score(self.scale.to_csat(float(p)), self.source, row, float(p))
            for p, row in zip(self.predict_views(v), v.rows, strict=True)
        ]

    def score(self, conv: Conversation) -> SatisfactionScore:
        return self.scores([conv])[0]

    def save(self, models_dir: str | Path, data_digest: str, config: dict[str, Any]) -> Path:
        import joblib

        with artefacts.new_version(models_dir, NAME, data_digest) as path:
            joblib.dump({"blocks": self.blocks, "fitted": self.fitted}, path / "blocks.joblib")
            params = {
                "stack": self.stack,
                "intercept": self.intercept,
                "prior": self.prior,
                "scale": [self.scale.low, self.scale.high],
            }
            (path / "params.json").write_text(json.dumps(params))
            cfg = {
                **config,
                "features": list(FEATURES),
                "source": self.source,
                "blocks": list(self.blocks),
                "encoder": self._embedder().name if self.uses_embeddings else "none",
            }
            if self.prior is not None:
                cfg["fallback"] = self.metrics.get("fallback", "prior")
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
        saved = joblib.load(art.file("blocks.joblib"))
        p = json.loads(art.file("params.json").read_text())
        return cls(
            saved["blocks"],
            p["stack"],
            p["intercept"],
            Scale(*p["scale"]),
            art.manifest["config"]["source"],
            saved["fitted"],
            p["prior"],
            art.manifest["metrics"],
            sentiment,
        )


def score_conversation(
    conv: Conversation,
    model: SatisfactionModel | None = None,
    sentiment: SentimentModel | None = None,
) -> SatisfactionScore:
    """Conversation-end satisfaction; without a trained model the documented heuristic."""
    if model is not None:
        return model.score(conv)
    f = conversation_features(conv, sentiment)
    p = heuristic_probability(f)
    return _to_score(1.0 + 4.0 * p, "heuristic", f, p)


def _fit_blocks(
    v: views_.Views, y: np.ndarray, seed: int
) -> tuple[dict[str, Any], views_.Fitted, np.ndarray]:
    """Each view's ridge on all data, and its out-of-fold predictions for the stack."""
    from sklearn.model_selection import KFold

    fitted = views_.Fitted.fit(v, with_turns=True)
    names = views_.block_names(v, fitted.turn_rater is not None)
    oof = np.zeros((len(y), len(names)))
    folds = KFold(n_splits=min(FOLDS, len(y)), shuffle=True, random_state=seed)
    for train_idx, test_idx in folds.split(y):
        part, rest = v.take(train_idx), v.take(test_idx)
        fold = views_.Fitted.fit(part, with_turns="turns" in names)
        for j, name in enumerate(names):
            fit = views_.block(name).fit(views_.inputs(part, name, fold), y[train_idx])
            oof[test_idx, j] = fit.predict(views_.inputs(rest, name, fold))
    blocks = {name: views_.block(name).fit(views_.inputs(v, name, fitted), y) for name in names}
    return blocks, fitted, oof


def _prior(y: np.ndarray, source: str, reason: str) -> SatisfactionModel:
    prior = float(y.mean()) if len(y) else 3.0
    print(f"satisfaction ({source}): {reason}; using the prior {prior:.3f}", file=sys.stderr)
    metrics = {"examples": len(y), "fallback": f"prior (label mean): {reason}"}
    scale = Scale.of(y.tolist()) if len(y) else Scale()
    return SatisfactionModel({}, [], prior, scale, source, prior=prior, metrics=metrics)


def train(
    conversations: Sequence[Conversation],
    target: Callable[[Conversation], float | None],
    source: str,
    sentiment: SentimentModel | None = None,
    seed: int = 0,
    embedder: Embedder | None = None,
) -> SatisfactionModel:
    """Fit on conversations with a numeric target (None skipped); never refuses a distribution."""
    from scipy.optimize import nnls

    from nlp.metrics import spearman

    pairs = [(c, target(c)) for c in conversations]
    pairs = [(c, float(y)) for c, y in pairs if y is not None]
    y = np.array([y for _, y in pairs], dtype=float)
    if len(pairs) < MIN_EXAMPLES:
        return _prior(y, source, f"only {len(pairs)} labelled conversations (need {MIN_EXAMPLES})")
    if len(set(y.tolist())) < 2:
        return _prior(y, source, f"every label is {y[0]:g}: nothing to tell apart")
    embedder = embedder or get_embedder()
    v = views_.views([c for c, _ in pairs], sentiment, embedder)
    blocks, fitted, oof = _fit_blocks(v, y, seed)
    # Non-negative weights on centred predictions: a block that does not help gets 0.
    means = oof.mean(axis=0)
    weights, _ = nnls(oof - means, y - y.mean())
    if not weights.any():
        weights = np.full(len(blocks), 1.0 / len(blocks))
    intercept = float(y.mean() - means @ weights)
    stacked = oof @ weights + intercept
    metrics = {
        "examples": len(pairs),
        "label_mean": float(y.mean()),
        "label_values": len(set(y.tolist())),
        "stack_weights": dict(zip(blocks, weights.round(4).tolist(), strict=True)),
        "cv_spearman": spearman(stacked.tolist(), y.tolist()),
        "cv_spearman_by_block": {
            b: spearman(oof[:, j].tolist(), y.tolist()) for j, b in enumerate(blocks)
        },
        "encoder": embedder.name,
    }
    print(
        f"satisfaction ({source}): {len(pairs)} conversations; cross-validated Spearman "
        f"{metrics['cv_spearman']}; stack {metrics['stack_weights']}",
        file=sys.stderr,
    )
    return SatisfactionModel(
        blocks,
        weights.tolist(),
        intercept,
        Scale.of(y.tolist()),
        source,
        fitted,
        None,
        metrics,
        sentiment,
        embedder,
    )


def csat_target(conv: Conversation) -> float | None:
    return None if conv.csat is None else float(conv.csat)


def star_target(conv: Conversation) -> float | None:
    v = conv.labels.get("task_success")
    return None if v is None else float(bool(v))


def train_from_records(
    conversations: Sequence[Conversation],
    bootstrap: Sequence[Conversation] = (),
    sentiment: SentimentModel | None = None,
    min_csat: int = MIN_CSAT_RECORDS,
    seed: int = 0,
) -> SatisfactionModel:
    """Our own CSAT once there are `min_csat` ratings; else STAR's labels; else what we have."""
    rated = [c for c in conversations if c.csat is not None]
    if len(rated) >= min_csat or (rated and not bootstrap):
        return train(rated, csat_target, "csat", sentiment, seed=seed)
    if not bootstrap:
        raise ValueError(
            "no rated conversations and no bootstrap data: pass STAR conversations "
            "(python -m nlp.star_convert); until then the heuristic scores satisfaction"
        )
    return train(bootstrap, star_target, "star", sentiment, seed=seed)
