"""Rasa intent classifier: a LinearSVC over word and character TF-IDF with calibrated confidence."""

from __future__ import annotations

import json
import logging
import random
import re
import unicodedata
from collections import defaultdict
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

logger = logging.getLogger(__name__)

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "`": "'"})
# Softmax scales tried when calibrating confidence; decision scores of a LinearSVC sit in
# roughly [-1.5, 1.5], so useful scales are a few units to a few tens.
_SCALES = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 15.0, 20.0, 25.0, 30.0]


def normalise(text: str, max_chars: int) -> str:
    """The text the vectorizers see: NFKC, lower case, no control characters, bounded length.

    Cutting at `max_chars` keeps the parse time of a pasted essay bounded; an intent shows in
    the first sentences.
    """
    text = unicodedata.normalize("NFKC", text or "")[:max_chars].translate(_QUOTES)
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return _SPACES.sub(" ", text).strip().lower()


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TfidfIntentClassifier(GraphComponent, IntentClassifier):
    """Word (1-2) and char_wb (2-5) TF-IDF of the raw text, one linear SVM, softmax confidence.

    It reads the message text itself, so it needs no tokenizer or featurizer before it. The
    regularisation C and the softmax scale are chosen on a held-out share of the training
    examples (never on test data); the final model is then fitted on all of them.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "word_ngram_range": [1, 2],
            "char_ngram_range": [2, 5],
            "char_analyzer": "char_wb",
            "sublinear_tf": True,
            # Candidates for LinearSVC's C; a single value skips the search.
            "C": [0.5, 1.0, 2.0],
            # Share of each intent's examples held out to choose C and calibrate confidence.
            "validation_share": 0.1,
            "max_chars": 1000,
            "ranking_length": 10,
            "random_seed": 7,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectorizers: list[TfidfVectorizer] | None = None,
        coef: np.ndarray | None = None,
        intercept: np.ndarray | None = None,
        classes: list[str] | None = None,
        scale: float = 5.0,
    ) -> None:
        self.component_config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.vectorizers = vectorizers or []
        self.coef = coef
        self.intercept = intercept
        self.classes = classes or []
        self.scale = scale

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TfidfIntentClassifier:
        return cls(config, model_storage, resource)

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "scipy"]

    # -- training -------------------------------------------------------------------------

    def _new_vectorizers(self) -> list[TfidfVectorizer]:
        c = self.component_config
        common = {"sublinear_tf": c["sublinear_tf"], "lowercase": False, "dtype": np.float32}
        return [
            TfidfVectorizer(analyzer="word", ngram_range=tuple(c["word_ngram_range"]), **common),
            TfidfVectorizer(
                analyzer=c["char_analyzer"], ngram_range=tuple(c["char_ngram_range"]), **common
            ),
        ]

    @staticmethod
    def _features(vectorizers: list[TfidfVectorizer], texts: list[str], fit: bool) -> Any:
        parts = [v.fit_transform(texts) if fit else v.transform(texts) for v in vectorizers]
        return scipy.sparse.hstack(parts).tocsr()

    def _split(self, labels: list[str]) -> tuple[list[int], list[int]]:
        """Stratified indices (fit, held out); intents with fewer than 4 examples stay in fit."""
        by_label: dict[str, list[int]] = defaultdict(list)
        for i, label in enumerate(labels):
            by_label[label].append(i)
        rng = random.Random(self.component_config["random_seed"])
        fit: list[int] = []
        held: list[int] = []
        for label in sorted(by_label):
            group = by_label[label]
            rng.shuffle(group)
            cut = round(self.component_config["validation_share"] * len(group))
            cut = cut if len(group) >= 4 else 0
            held.extend(group[:cut])
            fit.extend(group[cut:])
        return fit, held

    def _choose(self, texts: list[str], labels: list[str]) -> tuple[float, float]:
        """C with the best held-out accuracy, then the scale with the least held-out log-loss."""
        candidates = [float(c) for c in np.atleast_1d(self.component_config["C"])]
        fit, held = self._split(labels)
        if not held or len({labels[i] for i in fit}) < 2:
            return candidates[0], 5.0
        vectorizers = self._new_vectorizers()
        x_fit = self._features(vectorizers, [texts[i] for i in fit], fit=True)
        x_held = self._features(vectorizers, [texts[i] for i in held], fit=False)
        y_fit = [labels[i] for i in fit]
        best: tuple[float, float, np.ndarray, list[str]] | None = None
        for c in candidates:
            model = LinearSVC(C=c, random_state=self.component_config["random_seed"])
            model.fit(x_fit, y_fit)
            scores = model.decision_function(x_held)
            if scores.ndim == 1:
                # Binary: one score for the second class; make it one column per class.
                scores = np.column_stack([-scores, scores])
            classes = [str(k) for k in model.classes_]
            predicted = [classes[j] for j in scores.argmax(axis=1)]
            accuracy = float(
                np.mean([p == labels[i] for p, i in zip(predicted, held, strict=True)])
            )
            if best is None or accuracy > best[1]:
                best = (c, accuracy, scores, classes)
        assert best is not None
        c, _, scores, classes = best
        index = {k: j for j, k in enumerate(classes)}
        # A held-out intent the fit part never saw cannot be calibrated on; skip those rows.
        rows = [(r, index[labels[i]]) for r, i in enumerate(held) if labels[i] in index]
        if not rows or scores.shape[1] < 2:
            return c, 5.0
        r_idx = np.array([r for r, _ in rows])
        y_idx = np.array([y for _, y in rows])

        def log_loss(scale: float) -> float:
            p = softmax(scale * scores[r_idx])
            return float(-np.mean(np.log(p[np.arange(len(y_idx)), y_idx] + 1e-12)))

        return c, min(_SCALES, key=log_loss)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT)]
        labels = [str(e.get(INTENT)) for e in examples]
        if len(set(labels)) < 2:
            logger.warning(
                "TfidfIntentClassifier needs at least two intents; it will predict none."
            )
            self.persist()
            return self._resource
        texts = [normalise(e.get(TEXT) or "", self.component_config["max_chars"]) for e in examples]
        c, self.scale = self._choose(texts, labels)
        self.vectorizers = self._new_vectorizers()
        features = self._features(self.vectorizers, texts, fit=True)
        model = LinearSVC(C=c, random_state=self.component_config["random_seed"])
        model.fit(features, labels)
        self.classes = [str(k) for k in model.classes_]
        coef = np.atleast_2d(model.coef_).astype(np.float32)
        intercept = np.atleast_1d(model.intercept_).astype(np.float32)
        if len(self.classes) == 2:
            # Binary LinearSVC keeps one row (the second class); give each class its own.
            coef = np.vstack([-coef, coef])
            intercept = np.concatenate([-intercept, intercept])
        self.coef, self.intercept = coef, intercept
        logger.info(f"TfidfIntentClassifier: C={c}, softmax scale={self.scale}")
        self.persist()
        return self._resource

    # -- inference ------------------------------------------------------------------------

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent: dict[str, Any] | None = None
            ranking: list[dict[str, Any]] = []
            if self.coef is not None and self.vectorizers:
                text = normalise(message.get(TEXT) or "", self.component_config["max_chars"])
                features = self._features(self.vectorizers, [text], fit=False)
                scores = np.asarray(features @ self.coef.T).ravel() + self.intercept
                probabilities = softmax(self.scale * scores.astype(np.float64))
                order = np.argsort(-probabilities)[: self.component_config["ranking_length"]]
                ranking = [
                    {"name": self.classes[j], "confidence": float(probabilities[j])} for j in order
                ]
                intent = ranking[0]
            message.set(INTENT, intent or {"name": None, "confidence": 0.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    # -- persistence: plain arrays and JSON, nothing pickled ------------------------------

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            meta = {"classes": self.classes, "scale": self.scale, "vectorizers": []}
            for n, vectorizer in enumerate(self.vectorizers):
                vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
                meta["vectorizers"].append(
                    {
                        "analyzer": vectorizer.analyzer,
                        "ngram_range": list(vectorizer.ngram_range),
                        "sublinear_tf": vectorizer.sublinear_tf,
                        "vocabulary": vocabulary,
                    }
                )
                np.save(directory / f"idf_{n}.npy", vectorizer.idf_, allow_pickle=False)
            if self.coef is not None and self.intercept is not None:
                np.save(directory / "coef.npy", self.coef, allow_pickle=False)
                np.save(directory / "intercept.npy", self.intercept, allow_pickle=False)
            (directory / "model.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
                if not (directory / "coef.npy").exists():
                    return cls(config, model_storage, resource)
                vectorizers = []
                for n, spec in enumerate(meta["vectorizers"]):
                    vectorizer = TfidfVectorizer(
                        analyzer=spec["analyzer"],
                        ngram_range=tuple(spec["ngram_range"]),
                        sublinear_tf=spec["sublinear_tf"],
                        lowercase=False,
                        dtype=np.float32,
                    )
                    vectorizer.vocabulary_ = spec["vocabulary"]
                    vectorizer.idf_ = np.load(directory / f"idf_{n}.npy", allow_pickle=False)
                    vectorizers.append(vectorizer)
                return cls(
                    config,
                    model_storage,
                    resource,
                    vectorizers=vectorizers,
                    coef=np.load(directory / "coef.npy", allow_pickle=False),
                    intercept=np.load(directory / "intercept.npy", allow_pickle=False),
                    classes=list(meta["classes"]),
                    scale=float(meta["scale"]),
                )
        except (ValueError, FileNotFoundError):
            logger.debug(f"{cls.__name__}: no trained model in resource '{resource.name}'.")
            return cls(config, model_storage, resource)
