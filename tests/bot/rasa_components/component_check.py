"""Run by .venv-rasa's Python from test_svm_intent_classifier.py: trains, reloads, parses.

Prints one JSON object: the parse of each bad input and of a few normal ones, and what the
sentence encoder gives for the reference texts and for bad input. It imports only
Rasa and bot.rasa_components, as anything run in the Rasa environment must.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_components.svm_intent_classifier import (
    SvmIntentClassifier,
    confidences,
    falls_back,
)
from sentence_encoder import EncoderUnavailable, load_encoder

REFERENCE = Path(__file__).with_name("minilm_reference.json")

TRAINING = {
    "order_status": ["where is my order", "has my order shipped", "track my parcel", "order?"],
    "return_item": ["i want to return this", "how do i send it back", "refund my purchase"],
    "greet": ["hello", "hi there", "good morning", "hey"],
}


def parse(component: SvmIntentClassifier, texts: dict[str, str]) -> dict[str, Any]:
    results = {}
    for name, text in texts.items():
        message = Message.build(text=text)
        component.process([message])
        results[name] = {"intent": message.get("intent"), "ranking": message.get("intent_ranking")}
    return results


def encoder_checks(cases: dict[str, str]) -> dict[str, Any]:
    """The encoder against sentence-transformers' vectors, and its vectors of bad input."""
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    encoder = load_encoder("all-MiniLM-L6-v2")
    found = encoder.encode(reference["texts"])
    bad = encoder.encode(list(cases.values()))
    try:
        load_encoder("no-such-encoder")
        unknown = ""
    except EncoderUnavailable as error:
        unknown = str(error)
    return {
        "max_difference": float(np.abs(found - np.array(reference["vectors"])).max()),
        "bad_input_norms": np.linalg.norm(bad, axis=1).tolist(),
        "bad_input_finite": bool(np.isfinite(bad).all()),
        "unknown_encoder": unknown,
    }


def main(cases_file: str) -> None:
    cases: dict[str, str] = json.loads(Path(cases_file).read_text(encoding="utf-8"))
    examples = [
        Message.build(text=text, intent=intent)
        for intent, texts in TRAINING.items()
        for text in texts * 3
    ]
    context = ExecutionContext(GraphSchema({}), "check")
    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalModelStorage(Path(tmp))
        resource = Resource("svm_intent_classifier")
        config = SvmIntentClassifier.get_default_config()
        SvmIntentClassifier.create(config, storage, resource, context).train(TrainingData(examples))
        loaded = SvmIntentClassifier.load(config, storage, resource, context)
        untrained = SvmIntentClassifier.load(config, storage, Resource("missing"), context)
        results = parse(loaded, cases)
        blank = Message.build(text="hello")
        untrained.process([blank])
        results["__untrained__"] = {"intent": blank.get("intent"), "ranking": []}
        results["__reject__"] = loaded.reject
        # A model trained with other encoder weights than the installed ones is refused.
        with storage.read_from(resource) as directory:
            meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
            meta["encoder"]["weights_sha256"] = "0" * 64
            (directory / "model.json").write_text(json.dumps(meta), encoding="utf-8")
        try:
            SvmIntentClassifier.load(config, storage, resource, context)
            results["__mismatch__"] = ""
        except EncoderUnavailable as error:
            results["__mismatch__"] = str(error)
    # Without the encoder view (a pipeline may leave it out), the TF-IDF views alone.
    tfidf_views = [v for v in config["views"] if "encoder" not in v]
    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalModelStorage(Path(tmp))
        resource = Resource("tfidf_only")
        tfidf_config = {**config, "views": tfidf_views}
        SvmIntentClassifier.create(tfidf_config, storage, resource, context).train(
            TrainingData(examples)
        )
        tfidf_only = SvmIntentClassifier.load(tfidf_config, storage, resource, context)
        results["__tfidf_only__"] = parse(tfidf_only, {n: cases[n] for n in ("order", "greet")})
    # Two encoder views would have to share one dense coefficient matrix: refused up front.
    encoder_view = next(v for v in config["views"] if "encoder" in v)
    try:
        SvmIntentClassifier.create(
            {**config, "views": [*config["views"], encoder_view]},
            storage,
            Resource("two_encoders"),
            context,
        ).train(TrainingData(examples))
        results["__two_encoders__"] = ""
    except ValueError as error:
        results["__two_encoders__"] = str(error)
    results["__encoder__"] = encoder_checks(cases)
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
