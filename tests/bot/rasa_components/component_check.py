"""Run by .venv-rasa's Python from test_tfidf_intent_classifier.py: trains, reloads, parses.

Prints one JSON object: the parse of each bad input and of a few normal ones. It imports only
Rasa and bot.rasa_components, as anything run in the Rasa environment must.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_components.tfidf_intent_classifier import (
    TfidfIntentClassifier,
    confidences,
    falls_back,
)

TRAINING = {
    "order_status": ["where is my order", "has my order shipped", "track my parcel", "order?"],
    "return_item": ["i want to return this", "how do i send it back", "refund my purchase"],
    "greet": ["hello", "hi there", "good morning", "hey"],
}


def main(cases_file: str) -> None:
    cases: dict[str, str] = json.loads(Path(cases_file).read_text(encoding="utf-8"))
    examples = [
        Message.build(text=text, intent=intent)
        for intent, texts in TRAINING.items()
        for text in texts * 3
    ]
    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalModelStorage(Path(tmp))
        resource = Resource("tfidf_intent_classifier")
        context = ExecutionContext(GraphSchema({}), "check")
        config = TfidfIntentClassifier.get_default_config()
        TfidfIntentClassifier.create(config, storage, resource, context).train(
            TrainingData(examples)
        )
        loaded = TfidfIntentClassifier.load(config, storage, resource, context)
        untrained = TfidfIntentClassifier.load(config, storage, Resource("missing"), context)
        results = {}
        for name, text in cases.items():
            message = Message.build(text=text)
            loaded.process([message])
            results[name] = {
                "intent": message.get("intent"),
                "ranking": message.get("intent_ranking"),
            }
        blank = Message.build(text="hello")
        untrained.process([blank])
        results["__untrained__"] = {"intent": blank.get("intent"), "ranking": []}
        results["__reject__"] = loaded.reject
    # The calibration's building blocks on made-up scores: a clear winner, a near tie, and a
    # message every intent scores low (SVM scores under the reject score).
    scores = [[1.0, -1.0, -1.0], [0.2, 0.199, -1.0], [-0.9, -1.0, -1.1]]
    plain = confidences(np.array(scores), 40.0, None)
    rejecting = confidences(np.array(scores), 40.0, -0.7)
    results["__confidences__"] = {
        "plain": plain.tolist(),
        "rejecting": rejecting.tolist(),
        "plain_fallback": falls_back(plain, 0.5, 0.1).tolist(),
        "rejecting_fallback": falls_back(rejecting, 0.5, 0.1).tolist(),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1])
