"""The SvmIntentClassifier in the Rasa environment: trains, reloads, survives bad input.

The component runs in this process (tests/bot/ runs in .venv-rasa, see the Makefile); the
pure-Python text normalisation is tested through its effect on predictions.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.bot import svm_checks

BAD_INPUTS = {
    "empty": "",
    "spaces": "   \t\n ",
    "long": "where is my order " * 560,  # over 10,000 characters
    "emoji": "😀🙈🔥👍",
    "chinese": "鳄鱼吃香蕉",  # glossed from CC-CEDICT, "alligator eat banana": nothing known
    "arabic": "أين طلبي",
    "control": "where\x00 is\x07 my\x1b order\u200b\ufeff",
    "surrogate_like": "order \udcff",
    "only_punctuation": "?!.,;:",
}
NORMAL = {
    "order": "where is my order",
    "return": "i want to return this and get a refund",
    "greet": "hello there",
    "curly_quotes_and_case": "WHERE IS MY ORDER\u2019S PARCEL",
    # Glossed for the encoder ("my order at where ?"): an English-trained model reads it.
    "chinese_glossed": "我的订单在哪里？",
}


@pytest.fixture(scope="module")
def parsed() -> dict[str, Any]:
    return svm_checks.run({**BAD_INPUTS, **NORMAL})


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_a_prediction_with_a_valid_confidence(
    parsed: dict[str, Any], name: str
) -> None:
    intent = parsed[name]["intent"]
    assert intent["name"] in {"order_status", "return_item", "greet"}
    assert 0.0 <= intent["confidence"] <= 1.0 and not math.isnan(intent["confidence"])
    # The confidences of all intents sum to one, or to less when the "none of these" column
    # of the calibration keeps part of the mass (svm_intent_classifier.confidences).
    ranking = parsed[name]["ranking"]
    assert 0.0 < sum(r["confidence"] for r in ranking) <= 1.0 + 1e-4


def test_empty_and_foreign_text_are_not_confident(parsed: dict[str, Any]) -> None:
    # Nothing the model knows: its confidence must stay well under a known message's, so
    # that the FallbackClassifier can catch it.
    known = parsed["order"]["intent"]["confidence"]
    for name in ("empty", "emoji", "chinese"):
        assert parsed[name]["intent"]["confidence"] < known


@pytest.mark.parametrize(
    ("name", "intent"),
    [
        ("order", "order_status"),
        ("return", "return_item"),
        ("greet", "greet"),
        ("curly_quotes_and_case", "order_status"),
        ("control", "order_status"),
        ("long", "order_status"),
        ("chinese_glossed", "order_status"),
    ],
)
def test_reloaded_model_predicts_known_intents(
    parsed: dict[str, Any], name: str, intent: str
) -> None:
    assert parsed[name]["intent"]["name"] == intent


def test_cc_cedict_is_read_when_the_model_loads(parsed: dict[str, Any]) -> None:
    # Not on the first Chinese message: reading it takes longer than a reply may.
    assert parsed["__cc_cedict_read_at_load__"]


def test_untrained_component_predicts_no_intent(parsed: dict[str, Any]) -> None:
    assert parsed["__untrained__"]["intent"] == {"name": None, "confidence": 0.0}


def test_reject_score_is_a_number_or_off(parsed: dict[str, Any]) -> None:
    reject = parsed["__reject__"]
    assert reject is None or -2.0 <= reject <= 0.5


def test_tfidf_views_alone_still_classify(parsed: dict[str, Any]) -> None:
    found = parsed["__tfidf_only__"]
    assert found["order"]["intent"]["name"] == "order_status"
    assert found["greet"]["intent"]["name"] == "greet"


def test_model_trained_with_other_encoder_weights_is_refused(parsed: dict[str, Any]) -> None:
    assert "other weights of all-MiniLM-L6-v2" in parsed["__mismatch__"]
    assert "rasa train --force" in parsed["__mismatch__"]


def test_second_encoder_view_is_refused(parsed: dict[str, Any]) -> None:
    assert "at most one sentence-encoder view" in parsed["__two_encoders__"]


def test_a_glossed_message_carries_its_gloss_into_the_parse(parsed: dict[str, Any]) -> None:
    """The actions match German and Chinese words against the catalogue's English item names."""
    glossed = parsed["chinese_glossed"]
    assert glossed["gloss"] and "order" in glossed["gloss"] and "gloss" in glossed["output"]
    # English is not glossed: nothing is added to its parse.
    assert parsed["order"]["gloss"] is None and "gloss" not in parsed["order"]["output"]
