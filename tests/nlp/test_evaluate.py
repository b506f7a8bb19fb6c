"""The evaluation CLI end to end on a small generated JSONL file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp import evaluate
from nlp.records import to_jsonable

from .conftest import toy_texts


@pytest.fixture
def labelled(tmp_path: Path, conversations: list) -> Path:
    texts, labels = toy_texts(n_per=30, seed=5)
    f = tmp_path / "convs.jsonl"
    with open(f, "w") as fh:
        for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
            conv = to_jsonable(conversations[i % len(conversations)])
            conv["id"] = f"t{i}"
            conv["turns"].insert(0, {"speaker": "customer", "text": text})
            conv["labels"]["topic"] = label
            fh.write(json.dumps(conv) + "\n")
    return f


def _run(args: list[str], out: Path) -> dict:
    assert evaluate.main([*args, "--json", str(out)]) == 0
    return json.loads(out.read_text())


def test_similarity_and_topics(labelled: Path, tmp_path: Path) -> None:
    sim = _run(["similarity", "--conversations", str(labelled), "--label", "topic"], tmp_path / "s")
    assert sim["precision_at_5"] > 0.9 and sim["mrr_at_10"] > 0.9 and sim["test"] == 18
    top = _run(
        ["topics", "--conversations", str(labelled), "--label", "topic", "--candidates", "3"],
        tmp_path / "t",
    )
    assert top["num_topics"] == 3 and top["nmi"] > 0.5


def test_satisfaction_binary_and_numeric(labelled: Path, tmp_path: Path) -> None:
    base = ["satisfaction", "--conversations", str(labelled), "--estimator", "logreg"]
    binary = _run([*base, "--label", "task_success", "--sentiment", "lexicon"], tmp_path / "b")
    assert binary["roc_auc"] > 0.7 and "spearman_rho" not in binary
    numeric = _run([*base, "--label", "rating", "--sentiment", "lexicon"], tmp_path / "n")
    assert numeric["spearman_rho"] > 0.4


def test_too_few_labelled(labelled: Path) -> None:
    assert evaluate.main(["topics", "--conversations", str(labelled), "--label", "nope"]) == 2
