"""The SvmIntentClassifier in the Rasa environment: trains, reloads, survives bad input.

Rasa is not importable from the app environment `make test` runs in, so the component runs in
a subprocess of .venv-rasa's Python (component_check.py beside this file); the pure-Python
text normalisation is tested there too, through its effect on predictions.
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bot.paths import RASA_PYTHON, REPO_ROOT, rasa_environment

CHECK = Path(__file__).with_name("component_check.py")

BAD_INPUTS = {
    "empty": "",
    "spaces": "   \t\n ",
    "long": "where is my order " * 560,  # over 10,000 characters
    "emoji": "😀🙈🔥👍",
    "chinese": "我的订单在哪里？",
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
}


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not RASA_PYTHON.exists():
        pytest.skip(f"the Rasa environment is not built ({RASA_PYTHON} missing)")
    cases = tmp_path_factory.mktemp("cases") / "cases.json"
    # ensure_ascii keeps the lone surrogate representable in the JSON file.
    cases.write_text(json.dumps({**BAD_INPUTS, **NORMAL}), encoding="utf-8")
    result = subprocess.run(
        [str(RASA_PYTHON), str(CHECK), str(cases)],
        cwd=REPO_ROOT,
        env=rasa_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


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
    ],
)
def test_reloaded_model_predicts_known_intents(
    parsed: dict[str, Any], name: str, intent: str
) -> None:
    assert parsed[name]["intent"]["name"] == intent


def test_untrained_component_predicts_no_intent(parsed: dict[str, Any]) -> None:
    assert parsed["__untrained__"]["intent"] == {"name": None, "confidence": 0.0}


def test_calibration_rejects_what_no_intent_scores_well(parsed: dict[str, Any]) -> None:
    found = parsed["__confidences__"]
    for row in found["plain"]:
        assert math.isclose(sum(row), 1.0, rel_tol=1e-9)
    for plain, rejecting in zip(found["plain"], found["rejecting"], strict=True):
        # The "none of these" column only takes mass away, and keeps the order of intents.
        assert sum(rejecting) <= sum(plain) + 1e-12
        assert sorted(range(3), key=lambda j: -plain[j]) == sorted(
            range(3), key=lambda j: -rejecting[j]
        )
    # Clear winner: no fallback either way; near tie: the ambiguity rule fires either way;
    # every score low: only the rejecting confidence lets the fallback fire.
    assert found["plain_fallback"] == [False, True, False]
    assert found["rejecting_fallback"] == [False, True, True]
    assert sum(found["rejecting"][2]) < 0.5


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


def test_encoder_reproduces_sentence_transformers(parsed: dict[str, Any]) -> None:
    # Vectors of minilm_reference.json came from sentence-transformers itself (its "source").
    assert parsed["__encoder__"]["max_difference"] < 1e-4


def test_encoder_gives_unit_vectors_for_bad_input(parsed: dict[str, Any]) -> None:
    found = parsed["__encoder__"]
    assert found["bad_input_finite"]
    # The empty text still holds [CLS] and [SEP], so every vector has unit length.
    assert all(math.isclose(n, 1.0, rel_tol=1e-4) for n in found["bad_input_norms"])
    assert len(found["bad_input_norms"]) == len(BAD_INPUTS) + len(NORMAL)


def test_unknown_encoder_is_named_in_the_error(parsed: dict[str, Any]) -> None:
    assert "Unknown sentence encoder 'no-such-encoder'" in parsed["__encoder__"]["unknown_encoder"]


def test_second_encoder_view_is_refused(parsed: dict[str, Any]) -> None:
    assert "at most one sentence-encoder view" in parsed["__two_encoders__"]
