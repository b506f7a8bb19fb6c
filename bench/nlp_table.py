"""The NLP section of bench/README.md: Kefu beside the same-run baseline, and the numbers before."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bench.report import commit, machine

# What each row reports, and the number before issue 13 (old models; the table).
ROWS: list[tuple[str, str, str, str, str]] = [
    ("star", "topics", "nmi", "topics vs domain, NMI", "0.714 (LDA, k by c_npmi)"),
    ("star", "similarity", "precision_at_5", "similar cases vs task, precision@5", "0.857"),
    ("star", "satisfaction", "spearman_rho", "satisfaction vs task success, Spearman", "–"),
    ("star", "satisfaction", "roc_auc", "satisfaction vs task success, ROC-AUC", "0.887"),
    ("redial", "satisfaction", "spearman_rho", "satisfaction vs 1-5 rating, Spearman",
     "0.10 (ridge 0.12)"),
    ("redial", "sentiment", "spearman_rho", "customer sentiment vs rating, Spearman",
     "no such task"),
    ("redial", "sentiment", "macro_f1_3class", "the same, 3-class macro-F1", "no such task"),
    ("ccpe", "satisfaction", "spearman_rho", "satisfaction vs 1-5 rating, Spearman",
     "failed (3-fold CV on a near-empty class)"),
    ("ccpe", "sentiment", "spearman_rho", "customer sentiment vs rating, Spearman",
     "no such task"),
    ("ccpe", "sentiment", "macro_f1_3class", "the same, 3-class macro-F1", "no such task"),
]  # fmt: skip
NAMES = {"star": "STAR", "redial": "ReDial (uss_dev)", "ccpe": "CCPE (uss_dev)"}
BASELINES = {
    "topics": "TF-IDF + KMeans, k = number of labels",
    "similarity": "TF-IDF cosine",
    "satisfaction": "TF-IDF + ridge regression",
    "sentiment": "seed lexicon",
}


def _num(part: dict[str, Any] | None, key: str) -> str:
    value = (part or {}).get(key)
    return "n/a" if value is None else f"{value:.3f}"


def _rows(results: dict[str, Any]) -> list[str]:
    lines = []
    for name, task, key, what, before in ROWS:
        r = results.get(name, {}).get(task)
        if r is None:
            continue
        kefu, base = _num(r.get("kefu"), key), _num(r.get("baseline"), key)
        mark = " ✓" if kefu != "n/a" and base != "n/a" and float(kefu) > float(base) else ""
        size = f"{r.get('train', '–')} / {r.get('test', '–')}"
        if task == "sentiment":
            size = f"all {r.get('conversations', '–')} (nothing trained)"
        lines.append(f"| {NAMES[name]} | {what} | {size} | **{kefu}**{mark} | {base} "
                     f"({BASELINES[task]}) | {before} |")  # fmt: skip
    return lines


def _details(results: dict[str, Any]) -> list[str]:
    out = []
    star = results.get("star", {})
    if "topics" in star and star["topics"].get("kefu"):
        t = star["topics"]["kefu"]
        out.append(f"- STAR topics: k = {t['num_topics']} by silhouette ({t['encoder']}), "
                   f"{t['other_share']:.1%} of test conversations in \"other\"; labels: "
                   f"{'; '.join(t['topic_labels'][:8])} …")  # fmt: skip
    if "similarity" in star and star["similarity"].get("kefu"):
        s = star["similarity"]["kefu"]
        out.append(f"- STAR similar cases: embedding weight {s['embedding_weight']} chosen on "
                   f"the training split (precision@5 by weight {s['weight_dev_p5']}); "
                   f"k-NN category accuracy {s['knn_category_accuracy']:.3f}")  # fmt: skip
    for name in ("star", "redial", "ccpe"):
        sat = results.get(name, {}).get("satisfaction", {}).get("kefu")
        if sat:
            cv = sat["train_cv"]
            out.append(f"- {NAMES[name]} satisfaction stack weights {cv.get('stack_weights')}")
    lat = results.get("latency")
    if lat:
        out.append(f"- sentiment per message ({lat['messages_timed']} STAR customer messages): "
                   f"lexicon p50 {lat['lexicon']['p50_ms']:.3f} ms / p95 "
                   f"{lat['lexicon']['p95_ms']:.3f} ms; shipped model ({lat['shipped_model']}) "
                   f"p50 {lat['shipped']['p50_ms']:.2f} ms / "
                   f"p95 {lat['shipped']['p95_ms']:.2f} ms")  # fmt: skip
    return out


def section(results: dict[str, Any], command: str, seconds: float, limit: int) -> str:
    sample = f"seeded subsample of {limit} per set" if limit else "no subsampling"
    return "\n".join(
        [
            "## NLP on STAR and on rated dialogues from other domains",
            "",
            f"- date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
            f"- machine: {machine()} (runs use 1 core)",
            f"- commit: {commit()}",
            f"- command: `{command}` ({seconds / 60:.0f} min)",
            "- data: STAR (RasaHQ/STAR, MIT) converted by `python -m nlp.star_convert`; ReDial "
            "and CCPE from `../shared/data/uss_dev` (Sun et al. 2021; research use, not shipped); "
            f"{sample}; fixed seeded 80/20 split (seed 0), trained on the 80 %, measured on the "
            "20 %. Sentiment trains nothing: the shipped model scores every rated conversation.",
            "- every evaluation computes its plain baseline in the same run (`python -m "
            "nlp.evaluate`); ✓ marks Kefu above it.",
            "",
            "| set | evaluation | train / test | Kefu | same-run baseline | before issue 13 |",
            "|---|---|---|---|---|---|",
            *_rows(results),
            "",
            *_details(results),
            "",
            "Raw numbers: var/bench-nlp/*.json. Goal from the literature for dialogue-level "
            "satisfaction on these ratings: Spearman ≥ 0.45.",
        ]
    )
