"""Rasa response selector for the retrieval intents (faq/..., chitchat/...) by linear SVMs.

It replaces Rasa's two DIET ResponseSelectors, which ran a TensorFlow model on every message
(9 % of the Rasa server's main thread under load, bench/README.md) to pick among a few dozen
canned answers. Here each retrieval intent gets the intent classifier's own recipe: TF-IDF
word and character n-gram views, one LinearSVC each, scores averaged (`bot/svm_model.py`), and
it runs only on messages whose intent *is* that retrieval intent. What it writes into the
message is exactly what Rasa's ResponseSelector writes, so `utter_faq` / `utter_chitchat`
(ActionRetrieveResponse), rules and stories work unchanged.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.svm import LinearSVC

from bot.follow_up import without_follow_up_words
from bot.svm_component import StoredComponent
from bot.svm_model import Model, confidences, new_vectorizer, normalise, two_rows

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SvmResponseSelector(StoredComponent, IntentClassifier):
    """One TF-IDF linear-SVM model per retrieval intent, picking its response key."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # The retrieval intents to select responses for; None: every one in the data.
            "retrieval_intents": None,
            "views": [
                {"analyzer": "word", "ngram_range": [1, 2]},
                {"analyzer": "char_wb", "ngram_range": [2, 5]},
            ],
            "C": 2.0,
            "sublinear_tf": True,
            "scale": 10.0,
            "max_chars": 1000,
            "ranking_length": 10,
            "random_seed": 7,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        models: dict[str, Model] | None = None,
        responses: dict[str, list[dict[str, Any]]] | None = None,
        retrieval_intents: list[str] | None = None,
        single: dict[str, str] | None = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self.models = models or {}
        self.responses = responses or {}
        self.all_retrieval_intents = retrieval_intents or []
        # Retrieval intents with one response key: that key, no model.
        self.single = single or {}

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "scipy"]

    def _fit(self, texts: list[str], labels: list[str]) -> Model | None:
        c = self.component_config
        if len(set(labels)) < 2:
            # One response key: nothing to choose; the key itself is the answer.
            return None
        vectorizers, coefs = [], []
        intercept: np.ndarray | None = None
        classes: list[str] = []
        share = 1.0 / len(c["views"])
        for spec in c["views"]:
            vectorizer = new_vectorizer(spec, c["sublinear_tf"])
            x = vectorizer.fit_transform(texts)
            svm = LinearSVC(C=float(spec.get("C", c["C"])), random_state=c["random_seed"])
            svm.fit(x, labels)
            classes = [str(k) for k in svm.classes_]
            coef, bias = two_rows(svm.coef_, svm.intercept_, len(classes))
            vectorizers.append(vectorizer)
            coefs.append((coef * share).astype(np.float32))
            intercept = bias * share if intercept is None else intercept + bias * share
        assert intercept is not None
        return Model(
            classes=classes,
            vectorizers=vectorizers,
            sparse_coef=np.hstack(coefs),
            dense_coef=None,
            intercept=intercept.astype(np.float32),
            encoder=None,
            scale=float(c["scale"]),
            reject=None,
        )

    def train(self, training_data: TrainingData) -> Resource:
        c = self.component_config
        self.all_retrieval_intents = sorted(training_data.retrieval_intents)
        wanted = c["retrieval_intents"] or self.all_retrieval_intents
        self.responses = dict(training_data.responses)
        self.models = {}
        self.single = {}
        for intent in wanted:
            examples = [
                e
                for e in training_data.intent_examples
                if e.get(INTENT) == intent and e.get(INTENT_RESPONSE_KEY)
            ]
            labels = [str(e.get(INTENT_RESPONSE_KEY)) for e in examples]
            if not labels:
                logger.warning(f"SvmResponseSelector: no examples for '{intent}'.")
                continue
            # Trained on the examples as written ("and on Sundays?" teaches that "Sundays" is
            # the opening hours); only the question asked loses its opening words (_text).
            texts = [normalise(e.get(TEXT) or "", c["max_chars"]) for e in examples]
            model = self._fit(texts, labels)
            if model is not None:
                self.models[intent] = model
            else:
                self.single[intent] = labels[0]
        self.persist()
        return self._resource

    def _text(self, text: str) -> str:
        # "and on laptops?": "and on" read as "and on Sundays?" (opening hours) at 0.97.
        return normalise(without_follow_up_words(text), self.component_config["max_chars"])

    def _ranking(self, intent: str, text: str) -> list[dict[str, Any]]:
        model = self.models.get(intent)
        if model is None:
            key = self.single.get(intent)
            return (
                [{"id": 0, INTENT_RESPONSE_KEY: key, PREDICTED_CONFIDENCE_KEY: 1.0}] if key else []
            )
        scores = model.scores([self._text(text)])[0]
        probabilities = confidences(scores.astype(np.float64), model.scale, None)
        order = np.argsort(-probabilities)[: self.component_config["ranking_length"]]
        return [
            {
                "id": int(j),
                INTENT_RESPONSE_KEY: model.classes[j],
                PREDICTED_CONFIDENCE_KEY: float(probabilities[j]),
            }
            for j in order
        ]

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if intent not in self.models and intent not in self.single:
                continue
            ranking = self._ranking(intent, message.get(TEXT) or "")
            if not ranking:
                continue
            key = ranking[0][INTENT_RESPONSE_KEY]
            utter_action = f"utter_{key}"
            responses = self.responses.get(utter_action) or [{TEXT: key}]
            properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {}) or {}
            properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self.all_retrieval_intents
            properties[intent] = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: responses,
                    PREDICTED_CONFIDENCE_KEY: ranking[0][PREDICTED_CONFIDENCE_KEY],
                    INTENT_RESPONSE_KEY: key,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
                },
                RESPONSE_SELECTOR_RANKING_KEY: ranking,
            }
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        return messages

    # -- persistence: arrays and JSON, nothing pickled -----------------------------------

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            meta = {
                "retrieval_intents": self.all_retrieval_intents,
                "responses": self.responses,
                "models": sorted(self.models),
                "single": self.single,
            }
            (directory / "selector.json").write_text(json.dumps(meta), encoding="utf-8")
            for n, intent in enumerate(sorted(self.models)):
                sub = directory / f"model_{n}"
                sub.mkdir()
                self.models[intent].save(sub)

    @classmethod
    def read_trained(cls, directory: Path, config: dict[str, Any]) -> dict[str, Any]:
        meta = json.loads((directory / "selector.json").read_text(encoding="utf-8"))
        models = {}
        for n, intent in enumerate(meta["models"]):
            model = Model.load(directory / f"model_{n}")
            if model is not None:
                models[intent] = model
        return {
            "models": models,
            "responses": meta["responses"],
            "retrieval_intents": meta["retrieval_intents"],
            "single": meta.get("single", {}),
        }
