"""Similar cases: ranking on a toy corpus, incremental add, category vote, FAQ match, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.similarity import SimilarityIndex, match_faq

from .conftest import toy_texts


@pytest.fixture
def index() -> SimilarityIndex:
    texts, labels = toy_texts(n_per=20, seed=3)
    ix = SimilarityIndex()
    ix.add([f"d{i}" for i in range(len(texts))], texts, labels)
    return ix


def test_same_label_comes_first(index: SimilarityIndex) -> None:
    for query, label in [
        ("my parcel is late, where is the courier", "delivery"),
        ("I was charged twice on my card, need a refund", "billing"),
        ("cannot login, reset my password", "account"),
    ]:
        hits = index.query(query, k=5)
        assert len(hits) == 5
        assert all(h.label == label for h in hits)
        assert hits[0].score >= hits[-1].score


def test_add_grows_without_retraining(index: SimilarityIndex) -> None:
    before = len(index)
    index.add(["new1"], ["quantum flux capacitor warranty"], ["hardware"])
    assert len(index) == before + 1
    assert index.query("flux capacitor", k=3)[0].id == "new1"
    # Replacing an id keeps one live row for it.
    index.add(["new1"], ["parcel courier tracking"], ["delivery"])
    assert [h.id for h in index.query("flux capacitor", k=3)] == []


def test_removed_documents_are_gone_for_good() -> None:
    texts, labels = toy_texts(n_per=20, seed=3)
    ids = [f"d{i}" for i in range(len(texts))]
    index = SimilarityIndex()
    index.add(ids, texts, labels)
    # d0 replaced: its old row becomes a tombstone, which goes too.
    index.add(["d0"], ["quantum flux capacitor warranty"], ["hardware"])
    gone = {"d0", "d1", "d2"} | {ids[i] for i, label in enumerate(labels) if label == "billing"}
    assert index.remove([*gone, "never-there"]) == len(gone)
    assert index.remove(["d0"]) == 0
    assert len(index) == len(ids) - len(gone) and "" not in index.ids
    # What is left ranks as an index built without them from the start would.
    fresh = SimilarityIndex()
    kept = [i for i, doc_id in enumerate(ids) if doc_id not in gone]
    fresh.add([ids[i] for i in kept], [texts[i] for i in kept], [labels[i] for i in kept])
    for query in ("flux capacitor", "charged twice on my card, refund", texts[1], texts[5]):
        found = index.query(query, k=len(ids))
        assert not {hit.id for hit in found} & gone
        assert [hit.id for hit in found] == [hit.id for hit in fresh.query(query, k=len(ids))]
    index.add(["d1"], [texts[1]], [labels[1]])  # it can come back only as a new document
    assert index.query(texts[1], k=1)[0].id == "d1"


def test_exclude_and_category_vote(index: SimilarityIndex) -> None:
    first = index.query("invoice payment refund", k=1)[0]
    assert index.query("invoice payment refund", k=1, exclude=first.id)[0].id != first.id
    suggestion = index.suggest_category("refund for the payment on my card")
    assert suggestion.category == "billing" and 0.5 < suggestion.confidence <= 1.0


def test_bad_inputs_give_no_neighbours(index: SimilarityIndex, bad_inputs: list[object]) -> None:
    for text in bad_inputs:
        assert index.query(text) == [] or all(h.score > 0 for h in index.query(text))
    assert index.query("") == []
    assert index.query("😀") == []
    assert index.query("x" * 100_000) == []
    assert SimilarityIndex().query("parcel") == []
    assert index.suggest_category("").category is None


def test_add_checks_lengths() -> None:
    with pytest.raises(ValueError):
        SimilarityIndex().add(["a"], ["x", "y"])


def test_match_faq() -> None:
    faqs = [("f1", "How do I reset my password?"), ("f2", "When will my parcel arrive?")]
    assert match_faq("password reset please", faqs).id == "f1"  # type: ignore[union-attr]
    assert match_faq("parcel arrive when", faqs).id == "f2"  # type: ignore[union-attr]
    assert match_faq("banana", faqs) is None
    assert match_faq("", faqs) is None
    assert match_faq("anything", []) is None


def test_save_load_round_trip(index: SimilarityIndex, tmp_path: Path) -> None:
    index.save(tmp_path)
    loaded = SimilarityIndex.load(tmp_path)
    q = "courier delivery tracking"
    assert [h.id for h in loaded.query(q)] == [h.id for h in index.query(q)]
    loaded.add(["z"], ["courier delivery tracking"], ["delivery"])
    assert loaded.query(q, k=1)[0].id == "z"


@pytest.mark.embeddings
def test_hybrid_weight_is_chosen_on_development_data(tmp_path: Path) -> None:
    from nlp.similarity import WEIGHT_GRID, choose_weight

    texts, labels = toy_texts(n_per=15, seed=4)
    ids = [f"h{i}" for i in range(len(texts))]
    weight, by_weight = choose_weight(ids, texts, labels, queries=30)
    assert weight in WEIGHT_GRID and set(by_weight) == set(WEIGHT_GRID)
    assert by_weight[weight] == max(by_weight.values())
    ix = SimilarityIndex(embedding_weight=weight)
    ix.add(ids, texts, labels)
    ix.save(tmp_path)
    loaded = SimilarityIndex.load(tmp_path)
    assert loaded.embedding_weight == weight
    query = "my parcel is late, where is the courier"
    assert [h.id for h in loaded.query(query)] == [h.id for h in ix.query(query)]
