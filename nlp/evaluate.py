"""Evaluate topics, similarity or satisfaction on labelled conversations (seeded train/test split).

    python -m nlp.evaluate topics --conversations var/star.jsonl --label domain --json out.json

topics: NMI/ARI of each test conversation's dominant topic against the label, k, coherence;
similarity: precision@5 and MRR of test conversations against the indexed training ones
(relevant = same label), plus k-NN category accuracy; satisfaction: ROC-AUC for a two-valued
label, Spearman's rho (and ROC-AUC of rating >= 4) for a numeric one.
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

from tqdm import tqdm

from nlp import metrics, satisfaction, sentiment, topics
from nlp.compute import one_core
from nlp.records import Conversation, load_conversations
from nlp.similarity import SimilarityIndex


def split(
    convs: Sequence[Conversation], test_share: float, seed: int
) -> tuple[list[Conversation], list[Conversation]]:
    """Fixed seeded split: sorted by id first, so file order does not change the result."""
    items = sorted(convs, key=lambda c: c.id)
    random.Random(seed).shuffle(items)
    n_test = max(1, round(len(items) * test_share))
    return items[n_test:], items[:n_test]


def _text(c: Conversation, speakers: str) -> str:
    return c.customer_text() if speakers == "customer" else c.text()


def eval_topics(
    train: list[Conversation], test: list[Conversation], label: str, args: argparse.Namespace
) -> dict[str, Any]:
    cfg = topics.TopicConfig(
        candidates=tuple(int(k) for k in args.candidates.split(",")),
        coherence=args.coherence,
        seed=args.seed,
    )
    model = topics.train([_text(c, args.speakers) for c in train], cfg)
    assigned = model.assign_many(
        [_text(c, args.speakers) for c in tqdm(test, desc="topics: assign")]
    )
    predicted = [a.topic if a.topic is not None else -1 for a in assigned]
    agree = metrics.clustering_agreement(predicted, [c.labels[label] for c in test])
    return {
        **agree,
        "num_topics": model.num_topics,
        "coherence_measure": cfg.coherence,
        "coherence": model.metrics["coherence"],
        "coherence_by_k": model.metrics["coherence_by_k"],
        "unknown_share": sum(1 for p in predicted if p < 0) / len(predicted),
        "topic_labels": model.labels,
        "distinct_labels": len({str(c.labels[label]) for c in test}),
    }


def eval_similarity(
    train: list[Conversation], test: list[Conversation], label: str, args: argparse.Namespace
) -> dict[str, Any]:
    index = SimilarityIndex()
    chunk = 500  # added in chunks, as the exchange logger would: exercises incremental add()
    for i in tqdm(range(0, len(train), chunk), desc="similarity: index"):
        part = train[i : i + chunk]
        index.add(
            [c.id for c in part],
            [_text(c, args.speakers) for c in part],
            [str(c.labels[label]) for c in part],
        )
    p5, rr, correct = [], [], 0
    for c in tqdm(test, desc="similarity: query"):
        text = _text(c, args.speakers)
        truth = str(c.labels[label])
        hits = index.query(text, k=10)
        relevant = [h.label == truth for h in hits]
        p5.append(metrics.precision_at_k(relevant, 5))
        rr.append(metrics.reciprocal_rank(relevant))
        correct += index.suggest_category(text, k=7).category == truth
    return {
        "precision_at_5": metrics.mean(p5),
        "mrr_at_10": metrics.mean(rr),
        "knn_category_accuracy": correct / len(test),
        "indexed": len(index),
        "distinct_labels": len({str(c.labels[label]) for c in train}),
    }


def _binary(values: list[Any]) -> tuple[list[int], bool]:
    """Label values to 0/1, and whether the label was numeric with more than two values."""
    distinct = sorted({v for v in values}, key=str)
    if all(isinstance(v, bool) for v in distinct) or len(distinct) <= 2:
        positive = True if True in distinct else distinct[-1]
        return [int(v == positive) for v in values], False
    nums = [float(v) for v in values]
    cut = 4.0 if all(1 <= v <= 5 for v in nums) else sorted(nums)[len(nums) // 2]
    return [int(v >= cut) for v in nums], True


def eval_satisfaction(
    train: list[Conversation], test: list[Conversation], label: str, args: argparse.Namespace
) -> dict[str, Any]:
    y_train, _ = _binary([c.labels[label] for c in train])
    y_test, numeric = _binary([c.labels[label] for c in test])
    sent_model = None
    if args.sentiment == "trained":
        texts = [t.text for c in train for t in c.turns if t.speaker == "customer"]
        sent_model = sentiment.train(texts, seed=args.seed)
    truth = {c.id: y for c, y in zip(train, y_train, strict=True)}
    model = satisfaction.train(
        train, lambda c: truth[c.id], "eval", sent_model, kind=args.estimator, seed=args.seed
    )
    scores = [model.score(c) for c in tqdm(test, desc="satisfaction: score")]
    p = [s.p_satisfied for s in scores]
    out: dict[str, Any] = {
        "roc_auc": metrics.roc_auc(y_test, p),
        "positive_share_test": sum(y_test) / len(y_test),
        "estimator": args.estimator,
        "sentiment": args.sentiment,
        "train_heldout": model.metrics,
    }
    if numeric:
        out["spearman_rho"] = metrics.spearman([s.expected for s in scores], [
            float(c.labels[label]) for c in test
        ])  # fmt: skip
    return out


EVALUATIONS = {
    "topics": eval_topics,
    "similarity": eval_similarity,
    "satisfaction": eval_satisfaction,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("task", choices=sorted(EVALUATIONS))
    ap.add_argument("--conversations", type=Path, required=True, help="conversation JSONL")
    ap.add_argument("--label", required=True, help="key in each record's labels")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--test-share", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=0, help="seeded subsample of N conversations")
    ap.add_argument("--speakers", choices=["all", "customer"], default="all")
    ap.add_argument("--candidates", default="4,8,12,16,24", help="topics: numbers of topics")
    ap.add_argument("--coherence", default="c_npmi", choices=["c_npmi", "u_mass", "c_v"])
    ap.add_argument("--estimator", default="hgb", choices=["hgb", "logreg"])
    ap.add_argument("--sentiment", default="trained", choices=["trained", "lexicon"])
    args = ap.parse_args(argv)

    started = time.perf_counter()
    convs = [
        c for c in load_conversations(args.conversations) if c.labels.get(args.label) is not None
    ]
    if args.limit and args.limit < len(convs):
        convs = random.Random(args.seed).sample(sorted(convs, key=lambda c: c.id), args.limit)
    if len(convs) < 10:
        print(f"only {len(convs)} conversations carry label {args.label!r}", file=sys.stderr)
        return 2
    train, test = split(convs, args.test_share, args.seed)
    with one_core():
        result = EVALUATIONS[args.task](train, test, args.label, args)
    result = {
        "task": args.task,
        "label": args.label,
        "conversations": str(args.conversations),
        "train": len(train),
        "test": len(test),
        "seed": args.seed,
        "seconds": round(time.perf_counter() - started, 1),
        **result,
    }
    text = json.dumps(result, indent=2, default=str)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
