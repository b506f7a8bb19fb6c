"""Satisfaction: features, heuristic ordering, calibrated training, source choice, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import artefacts, metrics, satisfaction
from nlp.records import Conversation, Turn
from nlp.satisfaction import SatisfactionModel, conversation_features, score_conversation


def test_features_count_fallbacks_repeats_and_cues(conversations: list[Conversation]) -> None:
    unhappy = next(c for c in conversations if c.handoff)
    f = conversation_features(unhappy)
    assert f["fallbacks"] == 2 and f["repeats"] >= 1 and f["handoff"] == 1.0
    assert f["low_confidence"] == 2 and f["bot_failure_cues"] == 1.0
    happy = next(c for c in conversations if not c.handoff)
    g = conversation_features(happy)
    assert g["fallbacks"] == 0 and g["bot_success_cues"] == 1.0 and g["sent_last"] > 0


def test_heuristic_ranks_happy_above_unhappy(conversations: list[Conversation]) -> None:
    happy = next(c for c in conversations if not c.handoff)
    unhappy = next(c for c in conversations if c.handoff)
    a, b = score_conversation(happy), score_conversation(unhappy)
    assert a.p_satisfied > b.p_satisfied and a.csat > b.csat and a.source == "heuristic"
    assert 1 <= b.csat <= 5 and a.expected == pytest.approx(1 + 4 * a.p_satisfied)


def test_empty_and_odd_conversations_score(bad_inputs: list[object]) -> None:
    empty = Conversation(id="e", turns=[])
    assert 1 <= score_conversation(empty).csat <= 5
    odd = Conversation(id="o", turns=[Turn("customer", t) for t in bad_inputs])  # type: ignore[arg-type]
    assert 0.0 <= score_conversation(odd).p_satisfied <= 1.0


def test_trained_model_separates_and_round_trips(
    conversations: list[Conversation], tmp_path: Path
) -> None:
    model = satisfaction.train(conversations, satisfaction.csat_target, "csat", kind="logreg")
    assert model.metrics["heldout_roc_auc"] > 0.7  # 10 % of ratings are flipped noise
    y = [int(c.csat >= 4) for c in conversations]  # type: ignore[operator]
    p = [model.score(c).p_satisfied for c in conversations]
    assert metrics.roc_auc(y, p) > 0.8
    model.save(tmp_path, "d", {"kind": "logreg"})
    loaded = SatisfactionModel.load(tmp_path)
    assert loaded.score(conversations[0]).p_satisfied == pytest.approx(p[0])
    assert loaded.source == "csat"


def test_training_source_csat_or_bootstrap(conversations: list[Conversation]) -> None:
    own = satisfaction.train_from_records(conversations, min_csat=50)
    assert own.source == "csat"
    unrated = [Conversation(c.id, c.turns, labels=c.labels) for c in conversations]
    boot = satisfaction.train_from_records(unrated[:10], bootstrap=unrated, min_csat=50)
    assert boot.source == "star"
    with pytest.raises(ValueError, match="bootstrap"):
        satisfaction.train_from_records(unrated, min_csat=50)


def test_loading_refuses_other_features(conversations: list[Conversation], tmp_path: Path) -> None:
    import json

    model = satisfaction.train(conversations, satisfaction.csat_target, "csat", kind="logreg")
    path = model.save(tmp_path, "d", {})
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["config"]["features"] = ["something_else"]
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(artefacts.ModelVersionError, match="other features"):
        SatisfactionModel.load(tmp_path)
