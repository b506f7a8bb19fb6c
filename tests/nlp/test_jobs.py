"""Batch jobs and the python -m nlp CLI on generated records."""

from __future__ import annotations

import json
from pathlib import Path

from nlp import jobs
from nlp.__main__ import main
from nlp.records import Conversation, RecordSet, Ticket, Turn, to_jsonable

from .conftest import toy_texts
from .test_analytics import NOW, _crm


def _records(conversations: list[Conversation]) -> RecordSet:
    texts, labels = toy_texts(n_per=15, seed=2)
    convs = [
        Conversation(c.id, [Turn("customer", texts[i % len(texts)]), *c.turns], c.customer_id,
                     c.handoff, None, c.outcome, c.csat, c.started_at)
        for i, c in enumerate(conversations)
    ]  # fmt: skip
    customers, orders = _crm()
    tickets = [
        Ticket(f"t{i}", t, lab) for i, (t, lab) in enumerate(zip(texts, labels, strict=True))
    ]
    return RecordSet(convs, customers, orders, [], tickets)


def test_train_score_report(conversations: list[Conversation], tmp_path: Path) -> None:
    records = _records(conversations)
    models = tmp_path / "models"
    trained = jobs.train(records, models, bootstrap=conversations, as_of=NOW)
    for name in ("sentiment", "topics", "similarity", "tickets", "satisfaction", "churn"):
        assert Path(trained[name]).is_dir(), trained[name]
        assert (Path(trained[name]) / "manifest.json").is_file()
    rows = jobs.score(records, models)
    assert len(rows) == len(records.conversations)
    assert all(1 <= r["predicted_csat"] <= 5 and r["satisfaction_source"] == "star" for r in rows)
    assert all(r["id"] not in r["similar"] for r in rows)
    summary = jobs.report(records, tmp_path / "report", models, NOW)
    assert {"sentiment.png", "csat.png", "topics.png", "segments.png"} <= set(summary["charts"])
    md = (tmp_path / "report" / "summary.md").read_text()
    assert md.startswith("# Kefu analytics")
    # Segments and topics are named in words, not numbered.
    assert "## Customer segments" in md and "## Conversation topics" in md
    names = set(summary["segments"]["names"].values())
    assert len(names) == 3 and all(any(c.isalpha() for c in n) for n in names)
    assert all(name in md for name in names)
    assert summary["segments"]["k"] == 3


def test_score_without_models_falls_back(conversations: list[Conversation], tmp_path: Path) -> None:
    rows = jobs.score(RecordSet(conversations[:3]), tmp_path / "none")
    assert [r["satisfaction_source"] for r in rows] == ["heuristic"] * 3
    assert rows[0]["topic_label"] == "unknown" and rows[0]["similar"] == []


def test_cli(conversations: list[Conversation], tmp_path: Path) -> None:
    f = tmp_path / "c.jsonl"
    f.write_text("".join(json.dumps(to_jsonable(c)) + "\n" for c in conversations))
    models, out = tmp_path / "m", tmp_path / "scores.jsonl"
    assert main(["train", "--conversations", str(f), "--models", str(models)]) == 0
    assert (
        main(["score", "--conversations", str(f), "--models", str(models), "--out", str(out)]) == 0
    )
    assert len(out.read_text().splitlines()) == len(conversations)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("nope\n")
    assert main(["score", "--conversations", str(bad), "--models", str(models)]) == 2
