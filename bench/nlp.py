"""NLP on STAR: converts the dialogues, runs the three evaluations, times sentiment per message.

    .venv/bin/python -m bench.nlp --star ../shared/data/star [--write-readme]

Everything runs on one core with fixed seeds. Results go to var/bench-nlp/ (JSON) and, with
--write-readme, into the "NLP on STAR" section of bench/README.md (other sections untouched).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.report import commit, machine, replace_section

REPO = Path(__file__).resolve().parent.parent
START = "<!-- nlp-on-star:start -->"
END = "<!-- nlp-on-star:end -->"


def sentiment_latency(convs: list[Any], n: int, seed: int) -> dict[str, Any]:
    """p50/p95 of scoring one customer message, lexicon only and with the trained model."""
    from nlp import sentiment
    from nlp.metrics import percentile, roc_auc

    texts = [t.text for c in convs for t in c.turns if t.speaker == "customer"]
    rng = random.Random(seed)
    sample = rng.sample(texts, min(n, len(texts)))
    held_out = set(sample)
    train_texts = [t for t in texts if t not in held_out]
    model = sentiment.train(train_texts, seed=seed)
    out: dict[str, Any] = {"messages_timed": len(sample), "model": model.metrics}
    for name, m in (("lexicon", sentiment.SentimentModel()), ("lexicon+model", model)):
        m.score("warm up the tokenizer")
        times = []
        for t in sample:
            t0 = time.perf_counter()
            m.score(t)
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = {"p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95)}
        # Validity check without hand labels: do annoyed users (wizard's questionnaire) score
        # lower? ROC-AUC of -(lowest customer sentiment) against the user_annoyed flag.
        flagged = [c for c in convs if c.labels.get("user_annoyed") is not None]
        lows = [-min([m.score(t.text) for t in c.turns if t.speaker == "customer"] or [0.0])
                for c in flagged]  # fmt: skip
        out[name]["annoyed_auc"] = roc_auc([int(c.labels["user_annoyed"]) for c in flagged], lows)
    long_text = "terrible " * 12_500  # 100,000 characters: capped, so still fast
    t0 = time.perf_counter()
    model.score(long_text)
    out["100k_chars_ms"] = (time.perf_counter() - t0) * 1000
    return out


def _section(results: dict[str, Any], command: str, seconds: float) -> str:
    t, s, q, lat = (results[k] for k in ("topics", "similarity", "satisfaction", "sentiment"))
    lx, lm = lat["lexicon"], lat["lexicon+model"]
    return "\n".join(
        [
            "## NLP on STAR",
            "",
            f"- date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
            f"- machine: {machine()} (runs use 1 core)",
            f"- commit: {commit()}",
            f"- command: `{command}` ({seconds:.0f} s)",
            "- data: STAR (RasaHQ/STAR, MIT), converted by `python -m nlp.star_convert` to "
            "var/bench-nlp/star.jsonl; dialogues without any utterance dropped; no subsampling; "
            "fixed seeded 80/20 split (seed 0), models trained on the 80 %, numbers on the 20 %.",
            "",
            "| evaluation | label | train / test | result |",
            "|---|---|---|---|",
            f"| topics (LDA, k by {t['coherence_measure']}) | domain ({t['distinct_labels']} "
            f"values) | {t['train']} / {t['test']} | NMI {t['nmi']:.3f}, ARI {t['ari']:.3f}, "
            f"k = {t['num_topics']}, coherence {t['coherence']:.3f} |",
            f"| similar cases (TF-IDF, hashed) | task ({s['distinct_labels']} values) | "
            f"{s['train']} / {s['test']} | precision@5 {s['precision_at_5']:.3f}, "
            f"MRR@10 {s['mrr_at_10']:.3f}, k-NN category accuracy "
            f"{s['knn_category_accuracy']:.3f} |",
            f"| satisfaction (calibrated {q['estimator']}) | task_success | {q['train']} / "
            f"{q['test']} | ROC-AUC {q['roc_auc']:.3f} (positive share "
            f"{q['positive_share_test']:.2f}) |",
            "",
            f"Sentiment per message ({lat['messages_timed']} STAR customer messages, one "
            "process, one core):",
            "",
            "| model | p50 | p95 | annoyed-user ROC-AUC |",
            "|---|---|---|---|",
            f"| seed lexicon | {lx['p50_ms']:.3f} ms | {lx['p95_ms']:.3f} ms | "
            f"{lx['annoyed_auc']:.3f} |",
            f"| lexicon + hashed linear model | {lm['p50_ms']:.3f} ms | {lm['p95_ms']:.3f} ms | "
            f"{lm['annoyed_auc']:.3f} |",
            "",
            f"A 100,000-character message scores in {lat['100k_chars_ms']:.1f} ms (capped at "
            "5,000 characters). The annoyed-user ROC-AUC ranks conversations by their lowest "
            "customer sentiment against the wizard's answer to \"did the user become aggressive "
            'or annoyed?" — STAR has no message-level sentiment labels, so this is the check.',
            "Raw numbers: var/bench-nlp/*.json.",
        ]
    )


def write_readme(section: str, path: Path) -> None:
    """Replace our marked section (or append it); every other section stays as it is."""
    replace_section(START, END, section, path)


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(REPO))
    from nlp import evaluate, star_convert
    from nlp.compute import one_core
    from nlp.records import load_conversations

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--star", type=Path, default=Path("../shared/data/star"))
    ap.add_argument("--out", type=Path, default=REPO / "var" / "bench-nlp")
    ap.add_argument("--latency-messages", type=int, default=2000)
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    data = args.out / "star.jsonl"
    star_convert.main(["--star", str(args.star), "--out", str(data)])
    results: dict[str, Any] = {}
    for task, label in (
        ("topics", "domain"),
        ("similarity", "task"),
        ("satisfaction", "task_success"),
    ):
        out = args.out / f"{task}.json"
        evaluate.main([task, "--conversations", str(data), "--label", label, "--json", str(out)])
        results[task] = json.loads(out.read_text())
    with one_core():
        results["sentiment"] = sentiment_latency(load_conversations(data), args.latency_messages, 0)
    (args.out / "sentiment.json").write_text(json.dumps(results["sentiment"], indent=2) + "\n")
    print(json.dumps(results["sentiment"], indent=2))
    seconds = time.perf_counter() - started
    if args.write_readme:
        write_readme(_section(results, "make bench-nlp", seconds), REPO / "bench" / "README.md")
        print("wrote the NLP on STAR section of bench/README.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
