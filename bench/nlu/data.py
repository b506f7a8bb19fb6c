"""Benchmark data: reading text,category CSVs, cutting subsets, writing Rasa training data."""

from __future__ import annotations

import csv
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

# What held-out intents are relabelled to when the data set has no out-of-scope label.
HOLDOUT_LABEL = "__oos__"


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def read_csv(path: Path) -> list[Example]:
    """Read a `text,category` CSV with a header; rows with an empty label are skipped."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"text", "category"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected a header with columns text,category")
        return [
            Example(row["text"] or "", row["category"].strip())
            for row in reader
            if row["category"] and row["category"].strip()
        ]


def top_intents(examples: list[Example], k: int, exclude: str | None = None) -> list[str]:
    """The k most frequent labels, ties broken by name so that a cut is reproducible."""
    counts = Counter(e.label for e in examples if e.label != exclude)
    return [label for label, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def stratified_head(examples: list[Example], n: int) -> list[Example]:
    """At most n examples, taken round-robin over labels in file order (keeps the balance)."""
    by_label: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_label[example.label].append(example)
    queues = [list(reversed(group)) for group in by_label.values()]
    chosen: list[Example] = []
    while len(chosen) < n and any(queues):
        for queue in queues:
            if queue and len(chosen) < n:
                chosen.append(queue.pop())
    return chosen


def pick_holdout(labels: list[str], k: int, seed: int = 0) -> list[str]:
    """k labels to treat as out of scope, drawn with a fixed seed."""
    if k >= len(labels):
        raise ValueError(f"cannot hold out {k} of {len(labels)} intents")
    return sorted(random.Random(seed).sample(sorted(labels), k))


def relabel(examples: list[Example], labels: set[str], to: str) -> list[Example]:
    return [Example(e.text, to) if e.label in labels else e for e in examples]


def split_validation(
    examples: list[Example], share: float, seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """A stratified (fit, validation) split: `share` of each label goes to validation."""
    by_label: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_label[example.label].append(example)
    rng = random.Random(seed)
    fit: list[Example] = []
    validation: list[Example] = []
    for label in sorted(by_label):
        group = list(by_label[label])
        rng.shuffle(group)
        cut = max(1, round(share * len(group))) if len(group) > 1 else 0
        validation.extend(group[:cut])
        fit.extend(group[cut:])
    return fit, validation


def write_rasa_nlu(examples: list[Example], target: Path) -> None:
    """Write Rasa's JSON NLU format: unlike YAML it has no entity markup to escape."""
    payload = {
        "rasa_nlu_data": {
            "common_examples": [{"text": e.text, "intent": e.label} for e in examples],
        }
    }
    target.write_text(json.dumps(payload, ensure_ascii=False, indent=0), encoding="utf-8")
