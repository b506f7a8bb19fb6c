"""Convert the STAR dialogues (RasaHQ/STAR, MIT) into nlp's conversation JSONL for evaluation.

    python -m nlp.star_convert --star ../shared/data/star --out var/star.jsonl

Labels per conversation: domain and task (several joined with "+" for multi-task dialogues),
task_success (the user questionnaire's "did the assistant <do the task>?" answer, when asked),
calm_helpful, user_annoyed (wizard questionnaire) and completion. User turns become customer
turns; the wizard's turns become assistant turns with the chosen response label as intent.
Write the output outside the repository or under var/: no STAR text belongs in git.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

# Questions that are asked in every dialogue or are about content, not about task success.
_NOT_SUCCESS = ("calm and helpful", "enjoy this task", "something about rain")


def _dialogues(star: Path) -> Iterator[dict[str, Any]]:
    packed = star / "dialogues.jsonl.gz"
    if packed.is_file():
        with gzip.open(packed, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)
        return
    folder = star / "dialogues"
    if not folder.is_dir():
        raise SystemExit(f"{star}: neither dialogues.jsonl.gz nor dialogues/ found")
    for f in sorted(folder.glob("*.json")):
        yield json.loads(f.read_text(encoding="utf-8"))


def _answer(questionnaire: list[dict[str, Any]], want: str | None) -> bool | None:
    for qa in questionnaire or []:
        q = str(qa.get("Question", "")).lower()
        if want is not None and want in q:
            return bool(qa.get("Answer"))
        if want is None and not any(s in q for s in _NOT_SUCCESS):
            return bool(qa.get("Answer"))
    return None


def convert(d: dict[str, Any]) -> dict[str, Any]:
    """One STAR dialogue as a conversation record."""
    scenario = d.get("Scenario") or {}
    caps = scenario.get("WizardCapabilities") or []
    tasks = sorted({c.get("Task") for c in caps if c.get("Task")})
    domains = sorted(
        {c.get("Domain") or c.get("Task") for c in caps if c.get("Domain") or c.get("Task")}
    )
    turns = []
    for e in d.get("Events") or []:
        text = e.get("Text")
        if not isinstance(text, str) or not text.strip():
            continue
        if e.get("Agent") == "User" and e.get("Action") == "utter":
            turns.append({"speaker": "customer", "text": text})
        elif e.get("Agent") == "Wizard" and e.get("Action") in ("utter", "pick_suggestion"):
            turns.append({"speaker": "assistant", "text": text, "intent": e.get("ActionLabel")})
    labels: dict[str, Any] = {
        "domain": "+".join(domains) or "unknown",
        "task": "+".join(tasks) or "unknown",
        "completion": d.get("CompletionLevel"),
        "multi_task": bool(scenario.get("MultiTask")),
    }
    for key, value in (
        ("task_success", _answer(d.get("UserQuestionnaire"), None)),
        ("calm_helpful", _answer(d.get("UserQuestionnaire"), "calm and helpful")),
        ("user_annoyed", _answer(d.get("WizardQuestionnaire"), "aggressive or annoyed")),
    ):
        if value is not None:
            labels[key] = value
    complete = d.get("CompletionLevel") == "Complete"
    return {
        "id": f"star-{d.get('DialogueID')}",
        "turns": turns,
        "handoff": False,
        "outcome": "resolved" if complete else "abandoned",
        "labels": labels,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--star", type=Path, required=True, help="STAR folder (dialogues.jsonl.gz)")
    ap.add_argument("--out", type=Path, required=True, help="conversation JSONL to write")
    ap.add_argument("--limit", type=int, default=0, help="seeded random subsample of N dialogues")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--single-task", action="store_true", help="skip multi-task dialogues")
    args = ap.parse_args(argv)
    records = [convert(d) for d in tqdm(_dialogues(args.star), desc="star: convert")]
    records = [r for r in records if r["turns"]]
    if args.single_task:
        records = [r for r in records if not r["labels"]["multi_task"]]
    if args.limit and args.limit < len(records):
        records = random.Random(args.seed).sample(records, args.limit)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} conversations to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
