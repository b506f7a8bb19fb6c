"""Evaluate Kefu's NLP against the plain baseline on labelled conversations, in one run.

    python -m nlp.evaluate topics --conversations var/star.jsonl --label domain --json out.json
    python -m nlp.evaluate sentiment --conversations F.jsonl --label KEY

topics: NMI/ARI of each test conversation's topic against the label (baseline TF-IDF + KMeans,
k = number of labels); similarity: precision@5 and MRR of test conversations against the indexed
training ones, relevant = same label (baseline TF-IDF cosine); satisfaction: Spearman's rho of
the predicted rating against the label, ROC-AUC too for two values (baseline TF-IDF + ridge);
sentiment: the shipped model's score of each conversation's customer turns, Spearman's rho and
3-class macro-F1 (baseline the lexicon). Seeded train/test split; never fails on a label
distribution: it prints what it could compute and why the rest is missing.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nlp import evaluate_tasks
from nlp.compute import one_core
from nlp.records import Conversation, load_conversations

EVALUATIONS = {
    "topics": evaluate_tasks.eval_topics,
    "similarity": evaluate_tasks.eval_similarity,
    "satisfaction": evaluate_tasks.eval_satisfaction,
    "sentiment": evaluate_tasks.eval_sentiment,
}
# The headline number of each task, printed side by side with the baseline's.
HEADLINE = {
    "topics": "nmi",
    "similarity": "precision_at_5",
    "satisfaction": "spearman_rho",
    "sentiment": "spearman_rho",
}
MIN_CONVERSATIONS = 10


def split(
    convs: Sequence[Conversation], test_share: float, seed: int
) -> tuple[list[Conversation], list[Conversation]]:
    """Fixed seeded split: sorted by id first, so file order does not change the result."""
    items = sorted(convs, key=lambda c: c.id)
    random.Random(seed).shuffle(items)
    n_test = max(1, round(len(items) * test_share))
    return items[n_test:], items[:n_test]


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m nlp.evaluate", description=__doc__.split("\n")[0])
    ap.add_argument("task", choices=sorted(EVALUATIONS))
    ap.add_argument("--conversations", type=Path, required=True, help="conversation JSONL")
    ap.add_argument("--label", required=True, help="key in each record's labels")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--test-share", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=0, help="seeded subsample of N conversations")
    ap.add_argument("--speakers", choices=["all", "customer"], default="customer")
    ap.add_argument("--candidates", default="", help="topics: numbers of topics to try")
    return ap


def headline(result: dict[str, Any]) -> str:
    key = HEADLINE[result["task"]]

    def value(side: str) -> str:
        part = result.get(side) or {}
        v = part.get(key)
        return "n/a" if v is None else f"{v:.3f}"

    return f"{result['task']} {key}: kefu {value('kefu')}, baseline {value('baseline')}"


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The evaluation's result; problems with the data become notes, not exceptions."""
    convs = [
        c for c in load_conversations(args.conversations) if c.labels.get(args.label) is not None
    ]
    if args.limit and args.limit < len(convs):
        convs = random.Random(args.seed).sample(sorted(convs, key=lambda c: c.id), args.limit)
    base = {
        "task": args.task,
        "label": args.label,
        "conversations": str(args.conversations),
        "seed": args.seed,
    }
    if len(convs) < MIN_CONVERSATIONS:
        note = f"only {len(convs)} conversations carry label {args.label!r} (need 10)"
        return {**base, "kefu": None, "baseline": None, "notes": [note]}
    train, test = split(convs, args.test_share, args.seed)
    started = time.perf_counter()
    with one_core():
        result = EVALUATIONS[args.task](train, test, args.label, args)
    return {
        **base,
        "train": len(train),
        "test": len(test),
        "seconds": round(time.perf_counter() - started, 1),
        **result,
    }


def main(argv: list[str] | None = None) -> int:
    """0 when both sides were computed, 2 when the data allowed neither (the JSON says why)."""
    args = parser().parse_args(argv)
    if not args.candidates:
        args.candidates = "4,6,8,10,12,14,16,20,24,30"
    result = run(args)
    text = json.dumps(result, indent=2, default=str)
    print(text)
    print(headline(result), file=sys.stderr)
    for note in result.get("notes", []):
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")
    return 0 if result.get("kefu") is not None or result.get("baseline") is not None else 2


if __name__ == "__main__":
    raise SystemExit(main())
