"""The views a satisfaction model reads a conversation through, and the ridge for each.

Hand-made signals (`satisfaction_features`), TF-IDF of the customer's words, MiniLM
embeddings of the whole customer text and of its last turns, and predicted turn ratings
(`turn_ratings`, where the training data rates turns).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nlp.embeddings import Embedder, fit_tfidf
from nlp.records import Conversation
from nlp.satisfaction_features import conversation_features, matrix, recent_customer_text
from nlp.sentiment import SentimentModel
from nlp.turn_ratings import TURN_FEATURES, TurnRater

ALPHAS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)


@dataclass
class Views:
    """The conversations seen each way the blocks read them."""

    convs: list[Conversation]
    features: np.ndarray
    texts: list[str]
    embedding: np.ndarray | None
    recent: np.ndarray | None
    rows: list[dict[str, float]]

    def take(self, idx: np.ndarray) -> Views:
        def part(m: np.ndarray | None) -> np.ndarray | None:
            return None if m is None else m[idx]

        return Views(
            [self.convs[i] for i in idx],
            self.features[idx],
            [self.texts[i] for i in idx],
            part(self.embedding),
            part(self.recent),
            [],
        )


@dataclass
class Fitted:
    """What the text views learn before their ridge: the TF-IDF vocabulary, the turn rater."""

    tfidf: Any
    turn_rater: TurnRater | None = None

    @classmethod
    def fit(cls, v: Views, with_turns: bool) -> Fitted:
        return cls(
            fit_tfidf(v.texts),
            TurnRater.fit(v.convs) if with_turns else None,
        )


def views(
    convs: Sequence[Conversation], sentiment: SentimentModel | None, embedder: Embedder
) -> Views:
    rows = [conversation_features(c, sentiment) for c in convs]
    texts = [c.customer_text() for c in convs]
    return Views(
        list(convs),
        matrix(rows),
        texts,
        embedder.encode(texts),
        embedder.encode([recent_customer_text(c) for c in convs]),
        rows,
    )


def block(name: str) -> Any:
    """A fresh ridge for one view; alpha is chosen by efficient leave-one-out (RidgeCV)."""
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if name in ("features", "turns"):
        return make_pipeline(StandardScaler(), RidgeCV(alphas=ALPHAS))
    return RidgeCV(alphas=ALPHAS)


def inputs(v: Views, name: str, fitted: Fitted) -> Any:
    if name == "features":
        return v.features
    if name == "text":
        return fitted.tfidf.transform(v.texts)
    if name == "turns":
        if fitted.turn_rater is None:  # a fold without enough rated turns: a constant view
            return np.zeros((len(v.texts), len(TURN_FEATURES)))
        return fitted.turn_rater.features(v.convs)
    return v.embedding if name == "embedding" else v.recent


def block_names(v: Views, with_turns: bool) -> list[str]:
    names = ["features", "text"]
    names += ["embedding", "recent"] if v.embedding is not None else []
    return names + (["turns"] if with_turns else [])
