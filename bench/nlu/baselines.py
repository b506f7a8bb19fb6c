"""Baselines outside Rasa: scikit-learn's word plus character TF-IDF with a LinearSVC."""

from __future__ import annotations

import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC

from bench.nlu.data import Example
from bench.nlu.metrics import Prediction


def tfidf_svm(train: list[Example], test: list[Example]) -> tuple[list[Prediction], float]:
    """Train on `train`, predict each `test` text one at a time; returns predictions, seconds.

    It has no fallback: every prediction is an intent (decision scores are not probabilities).
    """
    model = make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), lowercase=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True),
        ),
        LinearSVC(),
    )
    started = time.monotonic()
    model.fit([e.text for e in train], [e.label for e in train])
    seconds = time.monotonic() - started
    classes = model.classes_
    predictions = []
    for example in test:
        begun = time.perf_counter()
        scores = model.decision_function([example.text])[0]
        ms = (time.perf_counter() - begun) * 1000
        order = np.argsort(scores)[::-1]
        top = str(classes[order[0]])
        predictions.append(
            Prediction(
                gold=example.label,
                intent=top,
                top_intent=top,
                confidence=float(scores[order[0]]),
                second_confidence=float(scores[order[1]]) if len(order) > 1 else 0.0,
                ms=ms,
            )
        )
    return predictions, seconds
