"""Topics: planted vocabularies are recovered, new texts are scored, bad input is "unknown"."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import metrics, topics
from nlp.topics import TopicConfig, TopicModel

from .conftest import toy_texts


@pytest.fixture(scope="module")
def model_and_data() -> tuple[TopicModel, list[str], list[str]]:
    texts, labels = toy_texts(n_per=40, seed=0)
    cfg = TopicConfig(candidates=(2, 3, 5), passes=10, no_below=2, seed=0)
    return topics.train(texts, cfg), texts, labels


def test_coherence_picks_the_planted_number(model_and_data: tuple) -> None:
    model, texts, labels = model_and_data
    assert model.num_topics == 3
    predicted = [a.topic for a in model.assign_many(texts)]
    assert metrics.clustering_agreement(predicted, labels)["nmi"] > 0.8
    assert set(model.metrics["coherence_by_k"]) == {2, 3, 5}


def test_labels_are_top_words(model_and_data: tuple) -> None:
    model, _, _ = model_and_data
    assert len(model.labels) == 3 and len(set(model.labels)) == 3
    all_top = {w for words in model.top_words for w in words[:3]}
    assert {"invoice", "password", "parcel"} & all_top


def test_new_text_scored_without_retraining(model_and_data: tuple) -> None:
    model, _, _ = model_and_data
    a = model.assign("reset password login locked account")
    b = model.assign("courier parcel delivery tracking")
    assert a.topic is not None and b.topic is not None and a.topic != b.topic
    assert sum(a.distribution) == pytest.approx(1.0, abs=1e-3)


def test_bad_inputs_are_unknown(model_and_data: tuple, bad_inputs: list[object]) -> None:
    model, _, _ = model_and_data
    for text in bad_inputs:
        a = model.assign(text)
        assert a.topic is None and a.label == topics.UNKNOWN and a.probability == 0.0


def test_too_little_text_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="too little text"):
        topics.train(["", "😀"], TopicConfig(candidates=(2,)))


def test_save_load_round_trip(model_and_data: tuple, tmp_path: Path) -> None:
    model, _, _ = model_and_data
    model.save(tmp_path, "digest")
    loaded = TopicModel.load(tmp_path)
    text = "invoice payment charged card"
    assert loaded.assign(text).topic == model.assign(text).topic
    assert loaded.labels == model.labels
