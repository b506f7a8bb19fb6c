"""Rasa intent classifier: linear SVMs over TF-IDF and sentence-embedding views, calibrated."""

from __future__ import annotations

import json
import logging
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.dictionary_de import dictionary
from bot.dictionary_zh import cc_cedict
from bot.gloss import GLOSS, encoder_texts
from bot.script_views import ngram_share, unreadable_by_encoder
from bot.svm_component import StoredComponent
from bot.svm_model import (
    Model,
    View,
    confidences,
    embeddings_of,
    falls_back,
    new_vectorizer,
    normalise,
    two_rows,
)

logger = logging.getLogger(__name__)

# Candidate "none of these" scores (in averaged-SVM-score units) for the reject column of the
# confidence; the highest one whose fallback cost on the held-out examples fits the budget wins.
_REJECT_SCORES = [round(-2.0 + 0.05 * i, 2) for i in range(0, 51)]

# The embedding view's share of the averaged score, against 1 for each TF-IDF view: the
# embedding then carries half of it (3-fold cross-validation on the training sets).
EMBEDDING_WEIGHT = 3.0


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SvmIntentClassifier(StoredComponent, IntentClassifier):
    """One linear SVM per view of the message text, decision scores averaged by weight.

    Views: word 1-2 grams, char_wb 2-5 and plain char 2-6 TF-IDF (C=2 each), and the
    all-MiniLM-L6-v2 sentence embedding (`sentence_encoder.py`, C=1). The TF-IDF views catch
    the exact wording and misspellings, the embedding the paraphrases no n-gram shares; their
    errors differ enough that the average beats either alone by 1-2 points (bench/README.md,
    "NLU"). The weights were chosen by 3-fold cross-validation on the Banking77 and HWU64
    training sets, never on test data. The TF-IDF views' mean is stored as one coefficient
    matrix over the stacked sparse features, the embedding's as a dense matrix, so parsing
    costs one sparse product, one encoder pass and one small dense product.

    Confidence is a sharp softmax with a "none of these" column (see `confidences`). Its
    score is the highest whose FallbackClassifier cost on correctly classified held-out
    examples (a tenth of the training data, models fitted on the rest) stays within
    `in_scope_fallback_budget`: the fallback then rarely overrides a right answer, and still
    fires on messages no intent scores well. With ten intents held out of the training sets,
    this caught more of them at the same in-scope cost than any plain softmax scale. The
    component reads the message text itself, so it needs no tokenizer or featurizer.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Each view has its own SVM; "weight" is its share of the averaged score.
            # Chinese messages: character 1-2 grams in both character views (ScriptNgrams;
            # 1-3 before, bench/README.md, "The tenth round").
            "views": [
                {"analyzer": "word", "ngram_range": [1, 2]},
                {"analyzer": "char_wb", "ngram_range": [2, 5], "han_ngram_range": [1, 2]},
                {"analyzer": "char", "ngram_range": [2, 6], "han_ngram_range": [1, 2]},
                {"encoder": "all-MiniLM-L6-v2", "C": 1.0, "weight": EMBEDDING_WEIGHT},
            ],
            "sublinear_tf": True,
            # LinearSVC's C for views that set none.
            "C": 2.0,
            # Softmax scale: sharp, so that the ambiguity rule rarely splits a right answer
            # and the reject score below does the catching (validated on held-out intents).
            "scale": 40.0,
            # The FallbackClassifier's settings in the pipeline, to calibrate against.
            "fallback_threshold": 0.5,
            "ambiguity_threshold": 0.1,
            # Share of held-out examples the fallback may wrongly override; None: no reject.
            "in_scope_fallback_budget": 0.005,
            # Share of each intent's examples held out to calibrate confidence.
            "validation_share": 0.1,
            "max_chars": 1000,
            "ranking_length": 10,
            "random_seed": 7,
            # onnxruntime threads when serving (training uses one per core): one message at a
            # time encodes faster on the event loop's own thread than split over cores that
            # the other conversations, the action server and the logger are using (measured:
            # bench/README.md, "Where the Rasa server's time goes").
            "encoder_threads": 1,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Model | None = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self.model = model
        self.scale = float(self.component_config["scale"] if model is None else model.scale)

    @property
    def reject(self) -> float | None:
        return None if self.model is None else self.model.reject

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "scipy", "onnx", "onnxruntime", "tokenizers"]

    # -- training -------------------------------------------------------------------------

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

    def _fit(
        self, views: list[View], texts: list[str], rows: list[int], labels: list[str]
    ) -> Model:
        """Every view's SVM on `rows`, combined into one model (reject score not yet set)."""
        c = self.component_config
        y = [labels[i] for i in rows]
        total = sum(view.weight for view in views)
        sparse: list[tuple[TfidfVectorizer, np.ndarray]] = []
        dense: np.ndarray | None = None
        intercept: np.ndarray | None = None
        classes: list[str] = []
        for view in views:
            vectorizer: TfidfVectorizer | None = None
            if view.encoder is not None:
                x = view.embeddings[rows]
            else:
                vectorizer = new_vectorizer(view.spec, c["sublinear_tf"])
                x = vectorizer.fit_transform([texts[i] for i in rows])
            svm = LinearSVC(C=view.c, random_state=c["random_seed"]).fit(x, y)
            classes = [str(k) for k in svm.classes_]
            coef, bias = two_rows(svm.coef_, svm.intercept_, len(classes))
            share = view.weight / total
            intercept = bias * share if intercept is None else intercept + bias * share
            weighted = (coef * share).astype(np.float32)
            if vectorizer is None:
                dense = weighted
            else:
                sparse.append((vectorizer, weighted))
        assert intercept is not None
        return Model(
            classes=classes,
            vectorizers=[v for v, _ in sparse],
            sparse_coef=np.hstack([w for _, w in sparse]) if sparse else None,
            dense_coef=dense,
            intercept=intercept.astype(np.float32),
            encoder=next((v.encoder for v in views if v.encoder is not None), None),
            scale=self.scale,
            reject=None,
        )

    def _calibrate(self, scores: np.ndarray, gold: np.ndarray) -> float | None:
        """The highest reject score whose fallback overrides at most the budgeted share of
        correctly classified held-out examples; None (plain softmax) if none fits or no budget.
        """
        c = self.component_config
        budget = c["in_scope_fallback_budget"]
        if budget is None or scores.shape[1] < 2:
            return None
        right = scores.argmax(axis=1) == gold
        chosen: float | None = None
        for reject in _REJECT_SCORES:
            fired = falls_back(
                confidences(scores, self.scale, reject),
                c["fallback_threshold"],
                c["ambiguity_threshold"],
            )
            if np.mean(fired & right) <= budget:
                chosen = reject
            else:
                break
        return chosen

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT)]
        labels = [str(e.get(INTENT)) for e in examples]
        if len(set(labels)) < 2:
            logger.warning("SvmIntentClassifier needs at least two intents; it will predict none.")
            self.persist()
            return self._resource
        c = self.component_config
        raw = [e.get(TEXT) or "" for e in examples]
        texts = [normalise(text, c["max_chars"]) for text in raw]
        if sum("encoder" in spec for spec in c["views"]) > 1:
            raise ValueError("SvmIntentClassifier takes at most one sentence-encoder view.")
        # Only the encoder view reads its texts here; German and Chinese ones glossed
        # (bot/gloss.py).
        read = encoder_texts(raw, texts)
        views = [View.from_spec(spec, read, c["C"]) for spec in c["views"]]
        fit, held = self._split(labels)
        reject = None
        if held and len({labels[i] for i in fit}) >= 2:
            trial = self._fit(views, texts, fit, labels)
            index = {k: j for j, k in enumerate(trial.classes)}
            # A held-out intent the fit part never saw cannot be scored right; it counts wrong.
            gold = np.array([index.get(labels[i], -1) for i in held])
            scores = trial.scores([texts[i] for i in held], embeddings_of(views, held))
            reject = self._calibrate(scores, gold)
            accuracy = float(np.mean(scores.argmax(axis=1) == gold))
            logger.info(
                f"SvmIntentClassifier: held-out accuracy {accuracy:.4f}, reject score {reject}"
            )
        self.model = self._fit(views, texts, list(range(len(texts))), labels)
        self.model.reject = reject
        self.persist()
        return self._resource

    # -- inference ------------------------------------------------------------------------

    def process(self, messages: list[Message]) -> list[Message]:
        raw = [m.get(TEXT) or "" for m in messages]
        texts = [normalise(text, self.component_config["max_chars"]) for text in raw]
        read = encoder_texts(raw, texts)
        scores = self._scores(texts, read)
        for n, message in enumerate(messages):
            if read[n] != texts[n]:
                # German and Chinese in English words, for the actions too: the catalogue names
                # its items in English ("den Wasserkocher" is "the kettle").
                message.set(GLOSS, read[n], add_to_output=True)
            intent: dict[str, Any] | None = None
            ranking: list[dict[str, Any]] = []
            if scores is not None and self.model is not None:
                probabilities = confidences(
                    scores[n].astype(np.float64), self.model.scale, self.model.reject
                )
                order = np.argsort(-probabilities)[: self.component_config["ranking_length"]]
                ranking = [
                    {"name": self.model.classes[j], "confidence": float(probabilities[j])}
                    for j in order
                ]
                intent = ranking[0]
            message.set(INTENT, intent or {"name": None, "confidence": 0.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def _scores(self, texts: list[str], read: list[str] | None = None) -> np.ndarray | None:
        """The model's scores; the encoder reads `read` (default `texts`, glossed where German
        or Chinese); texts it still cannot read are scored on n-grams alone."""
        model = self.model
        if model is None or not texts:
            return None
        if model.encoder is None or model.dense_coef is None:
            return model.scores(texts)
        vectors = model.encoder.encode(texts if read is None else read)
        # Chinese the glossary covers is readable English by now; the rest is not.
        unreadable = unreadable_by_encoder(texts if read is None else read)
        if not unreadable.any():
            return model.scores(texts, vectors)
        vectors[unreadable] = 0.0
        scores = model.scores(texts, vectors)
        # Back to the scale the confidences were calibrated on: n-grams as the whole score.
        share = ngram_share(self.component_config["views"])
        scores[unreadable] = model.intercept + (scores[unreadable] - model.intercept) / share
        return scores

    # -- persistence: plain arrays and JSON, nothing pickled ------------------------------

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            if self.model is None:
                (directory / "model.json").write_text(json.dumps({}), encoding="utf-8")
            else:
                self.model.save(directory)

    @classmethod
    def read_trained(cls, directory: Path, config: dict[str, Any]) -> dict[str, Any]:
        # Parsing the German dictionary takes seconds: at start-up, not on a customer's message.
        dictionary()
        model = Model.load(directory, int(config["encoder_threads"]))
        if model is not None and model.encoder is not None:
            # Reading CC-CEDICT takes a second or more: as the model loads, not on the first
            # Chinese message, whose reply would miss the reply timeout (2.8 s by default).
            cc_cedict()
        return {"model": model}
