"""Unit tests of the NLU benchmark's scores, data cuts and config handling (no Rasa needed)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bench.nlu.cli import select
from bench.nlu.data import (
    HOLDOUT_LABEL,
    Example,
    read_csv,
    split_validation,
    stratified_head,
    top_intents,
    write_rasa_nlu,
)
from bench.nlu.metrics import FALLBACK_INTENT, Prediction, macro_f1, percentile, score
from bench.nlu.rasa_run import prediction_from, prepare_config


def pred(gold: str, top: str, confidence: float = 0.9, fired: bool = False) -> Prediction:
    return Prediction(gold, FALLBACK_INTENT if fired else top, top, confidence, 0.0, 1.0)


def test_score_counts_a_fired_fallback_as_out_of_scope() -> None:
    predictions = [
        pred("a", "a"),
        pred("b", "a"),
        pred("oos", "a", 0.2, fired=True),  # rightly rejected
        pred("oos", "b"),  # wrongly accepted
        pred("a", "a", 0.2, fired=True),  # rightly guessed but rejected
    ]
    result = score(predictions, oos_label="oos")
    assert result["accuracy"] == 40.0
    assert result["in_scope_accuracy"] == pytest.approx(100 / 3, abs=0.01)
    assert result["oos_recall"] == 50.0
    assert result["closed_accuracy"] == pytest.approx(200 / 3, abs=0.01)
    assert result["fallback_rate"] == 40.0


def test_score_can_replay_another_threshold() -> None:
    predictions = [pred("oos", "a", 0.4), pred("a", "a", 0.6)]
    assert score(predictions, "oos")["oos_recall"] == 0.0
    assert score(predictions, "oos", threshold=0.5)["accuracy"] == 100.0


def test_score_without_out_of_scope_examples_has_no_oos_recall() -> None:
    result = score([pred("a", "a")], oos_label=None)
    assert result["oos_recall"] is None
    assert result["accuracy"] == 100.0


def test_macro_f1_averages_per_label() -> None:
    # a: P=1/2 R=1 -> 2/3; b: P=0 R=0 -> 0
    assert macro_f1(["a", "b"], ["a", "a"]) == pytest.approx(1 / 3)
    assert macro_f1(["a", "b"], ["a", "b"]) == 1.0


def test_percentile() -> None:
    assert percentile([5.0, 1.0, 3.0], 0.5) == 3.0
    assert percentile(list(map(float, range(1, 101))), 0.95) == 95.0


def test_read_csv_needs_the_header(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text('text,category\n"hi, there",greet\nbye,\n', encoding="utf-8")
    assert read_csv(good) == [Example("hi, there", "greet")]
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="text,category"):
        read_csv(bad)


def examples(counts: dict[str, int]) -> list[Example]:
    return [Example(f"{label} {i}", label) for label, n in counts.items() for i in range(n)]


def test_cuts_are_stratified_and_reproducible() -> None:
    data = examples({"a": 10, "b": 10, "c": 2})
    assert top_intents(data, 2) == ["a", "b"]
    head = stratified_head(data, 6)
    assert sorted(e.label for e in head) == ["a", "a", "b", "b", "c", "c"]
    fit, validation = split_validation(data, 0.2)
    assert sorted(e.label for e in validation) == ["a", "a", "b", "b", "c"]
    assert set(fit).isdisjoint(validation) and len(fit) + len(validation) == len(data)
    assert split_validation(data, 0.2) == (fit, validation)


def test_select_holds_intents_out_of_training() -> None:
    train = examples({"a": 5, "b": 5, "c": 5, "d": 1})
    test = examples({"a": 2, "b": 2, "c": 2, "d": 2})
    args = argparse.Namespace(
        oos_label=None, limit_intents=2, holdout_intents=1, limit_train=None, limit_test=None
    )
    fit, scored, oos = select(train, test, args)
    assert oos == HOLDOUT_LABEL
    assert len({e.label for e in fit}) == 2 and HOLDOUT_LABEL not in {e.label for e in fit}
    assert sum(e.label == HOLDOUT_LABEL for e in scored) == 2
    assert "d" not in {e.label for e in scored}


def test_rasa_training_data_keeps_markup_literal(tmp_path: Path) -> None:
    target = tmp_path / "nlu.json"
    write_rasa_nlu([Example("is [this](card) ok? {x}", "a")], target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["rasa_nlu_data"]["common_examples"] == [
        {"text": "is [this](card) ok? {x}", "intent": "a"}
    ]


def test_prepare_config_shortens_epochs_and_drops_policies(tmp_path: Path) -> None:
    source = tmp_path / "in.yml"
    source.write_text(
        "language: en\npipeline:\n- name: DIETClassifier\n  epochs: 100\n"
        "- name: FallbackClassifier\n  threshold: 0.3\npolicies:\n- name: RulePolicy\n"
    )
    target = tmp_path / "out.yml"
    prepare_config(source, target, epochs=3, threshold=0.7)
    written = YAML(typ="safe").load(target.read_text())
    assert "policies" not in written
    assert written["pipeline"][0]["epochs"] == 3
    assert written["pipeline"][1]["threshold"] == 0.7


def test_prediction_from_a_fallback_answer_keeps_the_best_intent() -> None:
    answer = {
        "intent": {"name": FALLBACK_INTENT, "confidence": 0.5},
        "intent_ranking": [
            {"name": FALLBACK_INTENT, "confidence": 0.5},
            {"name": "a", "confidence": 0.3},
            {"name": "b", "confidence": 0.2},
        ],
    }
    p = prediction_from("a", answer, 2.0)
    assert (p.intent, p.top_intent, p.confidence, p.second_confidence) == (
        FALLBACK_INTENT,
        "a",
        0.3,
        0.2,
    )
    empty = prediction_from("a", {"intent": None}, 1.0)
    assert empty.intent == FALLBACK_INTENT and empty.top_intent == ""
