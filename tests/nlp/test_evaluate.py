"""The evaluation CLI end to end on small generated JSONL files: Kefu and baseline side by side,
and no label distribution makes it raise."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from nlp import evaluate
from nlp.evaluate_tasks import numeric_labels, three_classes
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


def test_similarity_and_topics_beside_their_baselines(labelled: Path, tmp_path: Path) -> None:
    sim = _run(["similarity", "--conversations", str(labelled), "--label", "topic"], tmp_path / "s")
    assert sim["kefu"]["precision_at_5"] > 0.9 and sim["kefu"]["mrr_at_10"] > 0.9
    assert sim["baseline"]["precision_at_5"] > 0.9 and sim["test"] == 18
    top = _run(
        ["topics", "--conversations", str(labelled), "--label", "topic", "--candidates", "2,3,5"],
        tmp_path / "t",
    )
    assert top["kefu"]["num_topics"] == 3 and top["kefu"]["nmi"] > 0.5
    assert top["baseline"]["k"] == 3 and top["baseline"]["nmi"] > 0.5


def test_satisfaction_binary_and_numeric(labelled: Path, tmp_path: Path) -> None:
    base = ["satisfaction", "--conversations", str(labelled), "--speakers", "all"]
    binary = _run([*base, "--label", "task_success"], tmp_path / "b")
    assert binary["kefu"]["roc_auc"] > 0.7 and "roc_auc" in binary["baseline"]
    numeric = _run([*base, "--label", "rating"], tmp_path / "n")
    assert numeric["kefu"]["spearman_rho"] > 0.4
    assert numeric["baseline"]["spearman_rho"] is not None


def test_sentiment_scores_the_shipped_model_and_the_lexicon(labelled: Path, tmp_path: Path) -> None:
    out = _run(["sentiment", "--conversations", str(labelled), "--label", "rating"], tmp_path / "x")
    assert out["conversations"] == 90  # every labelled conversation: nothing is trained
    assert out["kefu"]["spearman_rho"] > 0.3 and 0 <= out["kefu"]["macro_f1_3class"] <= 1
    assert out["baseline"]["spearman_rho"] > 0.3


def _with_labels(tmp_path: Path, conversations: list, values: list[Any]) -> Path:
    f = tmp_path / "odd.jsonl"
    rows = []
    for i, value in enumerate(values):
        conv = to_jsonable(conversations[i % len(conversations)])
        conv["id"], conv["labels"] = f"o{i}", {"y": value}
        rows.append(json.dumps(conv))
    f.write_text("\n".join(rows) + "\n")
    return f


rng = random.Random(4)
DISTRIBUTIONS = {
    "all threes": [3] * 60,
    "ninety percent threes": [3 if rng.random() < 0.9 else rng.choice([1, 5]) for _ in range(80)],
    "two classes, one rare": [True] * 58 + [False] * 2,
    "strings": [rng.choice(["a", "b", "c"]) for _ in range(40)],
    "two strings": [rng.choice(["good", "bad"]) for _ in range(40)],
    "means": [round(rng.uniform(2.5, 4.0), 3) for _ in range(50)],
    "a few": [1, 2, 3, 4, 5, 4, 3, 2, 1, 5, 4, 3],
    "too few": [1, 5],
    "minus one to one": [rng.choice([-1, 0, 1]) for _ in range(40)],
}


@pytest.mark.parametrize("task", ["satisfaction", "sentiment", "topics", "similarity"])
@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_no_label_distribution_makes_it_raise(
    task: str, name: str, tmp_path: Path, conversations: list
) -> None:
    f = _with_labels(tmp_path, conversations, DISTRIBUTIONS[name])
    code = evaluate.main([task, "--conversations", str(f), "--label", "y", "--candidates", "2,3"])
    assert code in (0, 2)
    if name == "too few":
        assert code == 2


def test_label_readings() -> None:
    assert numeric_labels([True, False, None]) == ([1.0, 0.0, None], "boolean as 0/1")
    assert numeric_labels(["bad", "good"])[0] == [0.0, 1.0]
    assert numeric_labels(["a", "b", "c"])[0] == [None, None, None]
    assert three_classes([1, 2.5, 3, 3.5, 5]) == [-1, -1, 0, 1, 1]
    assert three_classes([-1, 0, 1]) == [-1, 0, 1]


def test_too_few_labelled(labelled: Path) -> None:
    assert evaluate.main(["topics", "--conversations", str(labelled), "--label", "nope"]) == 2
