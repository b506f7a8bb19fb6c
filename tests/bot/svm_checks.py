"""What test_svm_intent_classifier.py checks: train, reload and parse with the real component.

`run(cases)` returns one JSON-able object: the parse of each bad input and of a few normal
ones, the calibration's building blocks, and what the component refuses.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.dictionary_zh import cc_cedict
from bot.svm_intent_classifier import SvmIntentClassifier
from sentence_encoder import EncoderUnavailable

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
        results[name] = {
            "intent": message.get("intent"),
            "ranking": message.get("intent_ranking"),
            "gloss": message.get("gloss"),
            "output": sorted(message.output_properties),
        }
    return results


CONTEXT = ExecutionContext(GraphSchema({}), "check")


def examples() -> TrainingData:
    return TrainingData(
        [
            Message.build(text=text, intent=intent)
            for intent, texts in TRAINING.items()
            for text in texts * 3
        ]
    )


def trained_and_reloaded(cases: dict[str, str]) -> dict[str, Any]:
    """Parses by a trained and reloaded component, an untrained one, and a refused reload."""
    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalModelStorage(Path(tmp))
        resource = Resource("svm_intent_classifier")
        config = SvmIntentClassifier.get_default_config()
        SvmIntentClassifier.create(config, storage, resource, CONTEXT).train(examples())
        cc_cedict.cache_clear()
        loaded = SvmIntentClassifier.load(config, storage, resource, CONTEXT)
        results_at_load = {"__cc_cedict_read_at_load__": cc_cedict.cache_info().currsize == 1}
        untrained = SvmIntentClassifier.load(config, storage, Resource("missing"), CONTEXT)
        results = {**parse(loaded, cases), **results_at_load}
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
            SvmIntentClassifier.load(config, storage, resource, CONTEXT)
            results["__mismatch__"] = ""
        except EncoderUnavailable as error:
            results["__mismatch__"] = str(error)
    return results


def tfidf_only(cases: dict[str, str]) -> dict[str, Any]:
    """Without the encoder view (a pipeline may leave it out), the TF-IDF views alone."""
    config = SvmIntentClassifier.get_default_config()
    tfidf_config = {**config, "views": [v for v in config["views"] if "encoder" not in v]}
    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalModelStorage(Path(tmp))
        resource = Resource("tfidf_only")
        SvmIntentClassifier.create(tfidf_config, storage, resource, CONTEXT).train(examples())
        component = SvmIntentClassifier.load(tfidf_config, storage, resource, CONTEXT)
        return parse(component, {n: cases[n] for n in ("order", "greet")})


def two_encoders() -> str:
    """Two encoder views would have to share one dense coefficient matrix: refused up front."""
    config = SvmIntentClassifier.get_default_config()
    encoder_view = next(v for v in config["views"] if "encoder" in v)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            SvmIntentClassifier.create(
                {**config, "views": [*config["views"], encoder_view]},
                LocalModelStorage(Path(tmp)),
                Resource("two_encoders"),
                CONTEXT,
            ).train(examples())
        except ValueError as error:
            return str(error)
    return ""


def run(cases: dict[str, str]) -> dict[str, Any]:
    return {
        **trained_and_reloaded(cases),
        "__tfidf_only__": tfidf_only(cases),
        "__two_encoders__": two_encoders(),
    }
