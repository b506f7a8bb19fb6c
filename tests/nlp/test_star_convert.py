"""STAR conversion on a hand-made dialogue, plus one optional check against the real data."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from nlp import star_convert

# The shared data sets sit beside the repository, as in CI.
STAR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "star"

DIALOGUE = {
    "DialogueID": 5,
    "CompletionLevel": "Complete",
    "Scenario": {
        "MultiTask": False,
        "WizardCapabilities": [{"Domain": "hotel", "Task": "hotel_book"}],
    },
    "Events": [
        {"Agent": "UserGuide", "Action": "instruct", "Text": "be annoyed"},
        {"Agent": "User", "Action": "utter", "Text": "Book me a room"},
        {
            "Agent": "Wizard",
            "Action": "pick_suggestion",
            "ActionLabel": "hotel_ask",
            "Text": "Where?",
        },
        {"Agent": "KnowledgeBase", "Action": "return_item", "Text": "{}"},
        {"Agent": "User", "Action": "utter", "Text": "   "},
    ],
    "UserQuestionnaire": [
        {
            "Question": "Did the assistant stay calm and helpful throughout the dialogue?",
            "Answer": True,
        },
        {"Question": "Did the assistant reserve your hotel?", "Answer": False},
    ],
    "WizardQuestionnaire": [
        {
            "Question": "Did the user become aggressive or annoyed during the dialogue?",
            "Answer": True,
        }
    ],
}


def test_convert_maps_turns_and_labels() -> None:
    r = star_convert.convert(DIALOGUE)
    assert r["id"] == "star-5" and r["outcome"] == "resolved"
    assert [t["speaker"] for t in r["turns"]] == ["customer", "assistant"]
    assert r["turns"][1]["intent"] == "hotel_ask"
    labels = r["labels"]
    assert labels["domain"] == "hotel" and labels["task"] == "hotel_book"
    assert labels["task_success"] is False and labels["calm_helpful"] is True
    assert labels["user_annoyed"] is True


def test_main_writes_jsonl(tmp_path: Path) -> None:
    star = tmp_path / "star"
    star.mkdir()
    with gzip.open(star / "dialogues.jsonl.gz", "wt") as fh:
        fh.write(json.dumps(DIALOGUE) + "\n")
    out = tmp_path / "out.jsonl"
    assert star_convert.main(["--star", str(star), "--out", str(out)]) == 0
    assert json.loads(out.read_text())["labels"]["domain"] == "hotel"


@pytest.mark.skipif(not (STAR / "dialogues.jsonl.gz").is_file(), reason=f"STAR not at {STAR}")
def test_real_star_first_dialogue() -> None:
    with gzip.open(STAR / "dialogues.jsonl.gz", "rt") as fh:
        r = star_convert.convert(json.loads(fh.readline()))
    assert r["turns"] and r["labels"]["domain"] != "unknown"
