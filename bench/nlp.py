"""NLP on STAR and the uss_dev rated dialogues: every evaluation beside its same-run baseline.

    .venv/bin/python -m bench.nlp --star ../shared/data/star --uss ../shared/data/uss_dev \\
        [--limit N] [--sets star,redial,ccpe] [--write-readme]

Everything runs on one core with fixed seeds. Results go to var/bench-nlp/ (JSON) and, with
--write-readme, into the "NLP" section of bench/README.md (other sections untouched).
A data folder that is absent is skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from bench.nlp_table import section
from bench.report import replace_section

REPO = Path(__file__).resolve().parent.parent
START = "<!-- nlp-on-star:start -->"
END = "<!-- nlp-on-star:end -->"
# (set, file under the data folder or None for the converted STAR, [(task, label)]).
SETS: dict[str, list[tuple[str, str]]] = {
    "star": [("topics", "domain"), ("similarity", "task"), ("satisfaction", "task_success")],
    "redial": [("satisfaction", "satisfaction"), ("sentiment", "satisfaction")],
    "ccpe": [("satisfaction", "satisfaction"), ("sentiment", "satisfaction")],
}


def sentiment_latency(convs: list[Any], n: int, seed: int) -> dict[str, Any]:
    """p50/p95 of scoring one customer message: the lexicon and the shipped model."""
    from nlp import sentiment, sentiment_model
    from nlp.metrics import percentile

    texts = [t.text for c in convs for t in c.turns if t.speaker == "customer"]
    sample = random.Random(seed).sample(texts, min(n, len(texts)))
    out: dict[str, Any] = {"messages_timed": len(sample)}
    shipped = sentiment_model.shipped()
    for name, score in (("lexicon", sentiment.lexicon_score), ("shipped", shipped.score)):
        score("warm up the tokenizer")
        times = []
        for t in sample:
            t0 = time.perf_counter()
            score(t)
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = {"p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95)}
    out["shipped_model"] = shipped.describe()
    return out


def data_file(name: str, args: argparse.Namespace) -> Path | None:
    """The conversation JSONL of a set (STAR converted first), None when its data is absent."""
    from nlp import star_convert

    if name == "star":
        if (
            not (args.star / "dialogues.jsonl.gz").exists()
            and not (args.star / "dialogues").exists()
        ):
            return None
        out = args.out / "star.jsonl"
        if not out.exists():
            star_convert.main(["--star", str(args.star), "--out", str(out)])
        return out
    path = args.uss / f"{name}.jsonl"
    return path if path.exists() else None


def run_set(name: str, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    from nlp import evaluate

    results: dict[str, Any] = {}
    for task, label in SETS[name]:
        argv = [task, "--conversations", str(path), "--label", label]
        argv += ["--limit", str(args.limit)] if args.limit else []
        ns = evaluate.parser().parse_args(argv)
        ns.candidates = ns.candidates or "4,6,8,10,12,14,16,20,24,30"
        result = evaluate.run(ns)
        print(evaluate.headline(result), file=sys.stderr)
        (args.out / f"{name}-{task}.json").write_text(json.dumps(result, indent=2, default=str))
        results[task] = result
    return results


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(REPO))
    from nlp.compute import one_core
    from nlp.records import load_conversations

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--star", type=Path, default=Path("../shared/data/star"))
    ap.add_argument("--uss", type=Path, default=Path("../shared/data/uss_dev"))
    ap.add_argument("--out", type=Path, default=REPO / "var" / "bench-nlp")
    ap.add_argument("--sets", default="star,redial,ccpe")
    ap.add_argument("--limit", type=int, default=0, help="seeded subsample per set (0: all)")
    ap.add_argument("--latency-messages", type=int, default=500)
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {}
    for name in args.sets.split(","):
        path = data_file(name, args)
        if path is None:
            print(f"bench.nlp: no data for {name}; skipped", file=sys.stderr)
            continue
        results[name] = run_set(name, path, args)
        if name == "star":
            with one_core():
                latency = sentiment_latency(load_conversations(path), args.latency_messages, 0)
            results["latency"] = latency
            (args.out / "latency.json").write_text(json.dumps(latency, indent=2) + "\n")
    seconds = time.perf_counter() - started
    text = section(results, "make bench-nlp", seconds, args.limit)
    print(text)
    if args.write_readme:
        replace_section(START, END, text, REPO / "bench" / "README.md")
        print("wrote the NLP section of bench/README.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
