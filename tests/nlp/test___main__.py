"""`python -m nlp` on JSONL files: it needs record files and a models folder, and says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.__main__ import main


def test_without_record_files_it_points_to_the_crm_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["train", "--models", str(tmp_path)])
    assert raised.value.code == 2
    assert "python -m kefu nlp" in capsys.readouterr().err


def test_scores_conversations_from_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conversations = tmp_path / "conversations.jsonl"
    rows = [
        {"id": "c1", "turns": [{"speaker": "customer", "text": "thanks, that was great"}]},
        {"id": "c2", "turns": [{"speaker": "customer", "text": "terrible, nobody helps"}]},
    ]
    conversations.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert main(["score", "--conversations", str(conversations), "--models", str(tmp_path)]) == 0
    scored = {row["id"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert scored["c1"]["sentiment_mean"] > scored["c2"]["sentiment_mean"]


def test_a_broken_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n")
    assert main(["score", "--conversations", str(broken), "--models", str(tmp_path)]) == 2
    assert "nlp score:" in capsys.readouterr().err
