"""End to end: the harness's quick mode trains and scores Kefu's pipeline and tfidf-svm.

Runs the real Rasa CLI of .venv-rasa (about half a minute); skipped, with the reason, when the
benchmark data or the Rasa environment is missing. The test set gets bad inputs added (empty,
10,000 characters, emoji, other scripts, control characters) labelled out of scope: every one
must come back from /model/parse as a prediction or a fallback, never an error.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bench.nlu import cli
from bench.nlu.data import read_csv, top_intents
from kefu.paths import RASA_BIN, REPO_ROOT

DATA = REPO_ROOT.parent / "shared" / "data" / "banking77"
BAD_LABEL = "__bad_input__"
BAD_INPUTS = [
    "",
    " ",
    "card " * 2000,
    "😀🙈🔥👍",
    "我的卡什么时候到？",
    "¿Dónde está mi tarjeta?",
    "my\x07 card\x1b never\u200b arrived\ufeff",
    "line one\nline two",
]

pytestmark = [
    pytest.mark.skipif(not DATA.exists(), reason=f"benchmark data not found at {DATA}"),
    pytest.mark.skipif(not RASA_BIN.exists(), reason=f"Rasa environment not built ({RASA_BIN})"),
]


@pytest.fixture(scope="module")
def test_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The quick mode's intents from the real test set, then the bad inputs."""
    train = read_csv(DATA / "train.csv")
    wanted = set(top_intents(train, cli.QUICK["limit_intents"] + cli.QUICK["holdout_intents"]))
    rows = [(e.text, e.label) for e in read_csv(DATA / "test.csv") if e.label in wanted]
    path = tmp_path_factory.mktemp("data") / "test.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        writer.writerows(rows[:100])
        writer.writerows((text, BAD_LABEL) for text in BAD_INPUTS)
    return path


def quick(test_csv: Path, out: Path, *extra: str) -> dict[str, object]:
    code = cli.main(
        [
            "--train",
            str(DATA / "train.csv"),
            "--test",
            str(test_csv),
            "--quick",
            "--limit-test",
            "1000",  # keep every bad input
            "--oos-label",
            BAD_LABEL,
            "--json",
            str(out),
            *extra,
        ]
    )
    assert code == 0
    return json.loads(out.read_text())


def test_quick_mode_kefu_pipeline(test_csv: Path, tmp_path: Path) -> None:
    result = quick(test_csv, tmp_path / "kefu.json")
    assert result["pipeline"] == "config.yml"
    # Every text, bad ones included, was parsed.
    assert result["n_test"] == 100 + len(BAD_INPUTS)
    assert result["n_intents"] == cli.QUICK["limit_intents"]
    assert result["n_test_oos"] > len(BAD_INPUTS)  # the held-out intent's examples too
    assert result["closed_accuracy"] > 70.0
    assert result["oos_recall"] > 0.0  # the fallback fires on some out-of-scope texts
    assert result["parse_ms_p95"] >= result["parse_ms_p50"] > 0.0


def test_quick_mode_tfidf_svm_baseline(test_csv: Path, tmp_path: Path) -> None:
    result = quick(test_csv, tmp_path / "svm.json", "--baseline", "tfidf-svm")
    assert result["pipeline"] == "tfidf-svm"
    assert result["n_test"] == 100 + len(BAD_INPUTS)
    assert result["closed_accuracy"] > 70.0
    assert result["oos_recall"] == 0.0  # it has no fallback
