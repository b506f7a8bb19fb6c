"""Satisfaction: features, heuristic, graded training on any label distribution, prior fallback."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from nlp import artefacts, metrics, satisfaction
from nlp.records import Conversation, Turn
from nlp.satisfaction import SatisfactionModel, conversation_features, score_conversation

from .conftest import toy_conversation


def _rated(n: int, rating: object, seed: int = 3) -> list[Conversation]:
    """Toy conversations whose label `y` comes from `rating(satisfied, rng)`."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        happy = rng.random() < 0.5
        conv = toy_conversation(i, happy, rng)
        conv.labels["y"] = rating(happy, rng)  # type: ignore[operator]
        out.append(conv)
    return out


def _label(c: Conversation) -> float | None:
    return c.labels.get("y")


def test_features_count_fallbacks_repeats_and_cues(conversations: list[Conversation]) -> None:
    unhappy = next(c for c in conversations if c.handoff)
    f = conversation_features(unhappy)
    assert f["fallbacks"] == 2 and f["repeats"] >= 1 and f["handoff"] == 1.0
    assert f["low_confidence"] == 2 and f["bot_failure_cues"] == 1.0
    happy = next(c for c in conversations if not c.handoff)
    g = conversation_features(happy)
    assert g["fallbacks"] == 0 and g["bot_success_cues"] == 1.0 and g["sent_last"] > 0
    assert g["end_thanks"] > 0 and g["sent_recent"] > f["sent_recent"]


def test_heuristic_ranks_happy_above_unhappy(conversations: list[Conversation]) -> None:
    happy = next(c for c in conversations if not c.handoff)
    unhappy = next(c for c in conversations if c.handoff)
    a, b = score_conversation(happy), score_conversation(unhappy)
    assert a.expected > b.expected and a.csat > b.csat and a.source == "heuristic"
    assert 1 <= b.csat <= 5 and a.p_satisfied == pytest.approx((a.expected - 1) / 4)


def test_empty_and_odd_conversations_score(bad_inputs: list[object]) -> None:
    empty = Conversation(id="e", turns=[])
    assert 1 <= score_conversation(empty).csat <= 5
    odd = Conversation(id="o", turns=[Turn("customer", t) for t in bad_inputs])  # type: ignore[arg-type]
    assert 0.0 <= score_conversation(odd).p_satisfied <= 1.0


def test_labels_clustered_at_three_still_train() -> None:
    # 90 % threes, the rest 4-5 for happy conversations and 1-2 for unhappy ones.
    def rating(happy: bool, rng: random.Random) -> float:
        if rng.random() < 0.9:
            return 3.0
        return rng.choice([4.0, 5.0]) if happy else rng.choice([1.0, 2.0])

    convs = _rated(200, rating)
    model = satisfaction.train(convs, _label, "eval")
    assert model.prior is None and "fallback" not in model.metrics
    pred = model.predict(convs).tolist()
    rare = [(p, c.labels["y"]) for p, c in zip(pred, convs, strict=True) if c.labels["y"] != 3]
    assert metrics.spearman([p for p, _ in rare], [y for _, y in rare]) > 0.5


def test_two_classes_train_as_zero_and_one() -> None:
    convs = _rated(120, lambda happy, rng: float(happy) if rng.random() > 0.1 else float(not happy))
    model = satisfaction.train(convs, _label, "eval")
    assert (model.scale.low, model.scale.high) == (0.0, 1.0)
    scores = model.scores(convs)
    auc = metrics.roc_auc([int(c.labels["y"]) for c in convs], [s.rating for s in scores])
    assert auc is not None and auc > 0.8
    assert all(1.0 <= s.expected <= 5.0 for s in scores)


def test_csat_one_to_five_and_round_trip(conversations: list[Conversation], tmp_path: Path) -> None:
    model = satisfaction.train(conversations, satisfaction.csat_target, "csat")
    assert model.metrics["cv_spearman"] > 0.5  # 10 % of ratings are flipped noise
    scores = model.scores(conversations)
    rho = metrics.spearman([s.expected for s in scores], [c.csat for c in conversations])  # type: ignore[misc]
    assert rho is not None and rho > 0.6 and all(1 <= s.csat <= 5 for s in scores)
    model.save(tmp_path, "d", {})
    loaded = SatisfactionModel.load(tmp_path)
    assert loaded.score(conversations[0]).expected == pytest.approx(scores[0].expected)
    assert loaded.source == "csat" and loaded.prior is None


@pytest.mark.parametrize(
    ("n", "rating", "reason"),
    [(12, lambda happy, rng: 4.0 if happy else 2.0, "only 12"), (60, lambda h, r: 3.0, "every")],
)
def test_too_few_or_one_value_falls_back_to_the_prior(
    n: int, rating: object, reason: str, tmp_path: Path
) -> None:
    convs = _rated(n, rating)
    model = satisfaction.train(convs, _label, "csat")
    mean = sum(c.labels["y"] for c in convs) / n
    assert model.prior == pytest.approx(mean)
    assert reason in model.metrics["fallback"]
    assert [s.rating for s in model.scores(convs)] == pytest.approx([mean] * n)
    path = model.save(tmp_path, "d", {})
    manifest = json.loads((path / "manifest.json").read_text())
    assert "prior" in manifest["config"]["fallback"] and reason in manifest["config"]["fallback"]
    assert SatisfactionModel.load(tmp_path).score(convs[0]).rating == pytest.approx(mean)


def test_training_source_csat_or_bootstrap(conversations: list[Conversation]) -> None:
    own = satisfaction.train_from_records(conversations, min_csat=50)
    assert own.source == "csat"
    unrated = [Conversation(c.id, c.turns, labels=c.labels) for c in conversations]
    boot = satisfaction.train_from_records(unrated[:10], bootstrap=unrated, min_csat=50)
    assert boot.source == "star"
    few = satisfaction.train_from_records(conversations[:30], min_csat=50)
    assert few.source == "csat"  # fewer than min_csat and nothing else: learn from what there is
    with pytest.raises(ValueError, match="bootstrap"):
        satisfaction.train_from_records(unrated, min_csat=50)


def test_loading_refuses_other_features(conversations: list[Conversation], tmp_path: Path) -> None:
    model = satisfaction.train(conversations, satisfaction.csat_target, "csat")
    path = model.save(tmp_path, "d", {})
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["config"]["features"] = ["something_else"]
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(artefacts.ModelVersionError, match="other features"):
        SatisfactionModel.load(tmp_path)


@pytest.mark.embeddings
def test_embeddings_join_the_stack(conversations: list[Conversation]) -> None:
    model = satisfaction.train(conversations, satisfaction.csat_target, "csat")
    assert model.uses_embeddings and set(model.metrics["stack_weights"]) >= {"embedding"}
