"""`make bench-nlu`: Kefu's pipeline and both baselines on Banking77 and HWU64, table to README.

    .venv/bin/python -m bench.nlu.suite [--quick] [--reuse] [--rasa-default-epochs N]

Each run's JSON goes to var/bench/nlu/; --reuse takes a run's JSON from there instead of
running it again (so a long run done once by hand can be tabled). The table replaces only the
part of bench/README.md between the NLU markers; other sections are left as they are.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

from bench.nlu import cli
from bench.report import commit, machine, replace_section
from kefu.paths import REPO_ROOT

DATA_DIR = Path(os.environ.get("KEFU_BENCH_DATA", REPO_ROOT.parent / "shared" / "data"))
RESULTS = REPO_ROOT / "var" / "bench" / "nlu"
README = REPO_ROOT / "bench" / "README.md"
BEGIN, END = "<!-- NLU:BEGIN -->", "<!-- NLU:END -->"
DATASETS = ("banking77", "hwu64")
# Intents held out (fixed seed) to measure out-of-scope recall: neither set has an OOS label.
HOLDOUT = 10
# The full 100-epoch rasa-default run takes ~80 min per data set on 2 cores: recorded once.
RECORDED = {
    "banking77": {"accuracy": 90.94, "macro_f1": 0.910, "date": "2026-11-22", "epochs": 100}
}
PUBLISHED = {
    "banking77": [("BERT-large, fine-tuned", 93.66), ("USE+ConveRT", 93.36)],
    "hwu64": [],
}


def runs(dataset: str, quick: bool, rasa_epochs: int) -> list[tuple[str, list[str]]]:
    """(name, harness arguments) of every run on one data set."""
    base = ["--train", str(DATA_DIR / dataset / "train.csv")]
    base += ["--test", str(DATA_DIR / dataset / "test.csv")]
    if quick:
        return [
            ("kefu", [*base, "--quick"]),
            ("tfidf-svm", [*base, "--quick", "--baseline", "tfidf-svm"]),
        ]
    return [
        ("kefu", base),
        (f"kefu-holdout{HOLDOUT}", [*base, "--holdout-intents", str(HOLDOUT)]),
        ("tfidf-svm", [*base, "--baseline", "tfidf-svm"]),
        (
            f"rasa-default-{rasa_epochs}ep",
            [*base, "--baseline", "rasa-default", "--epochs", str(rasa_epochs)],
        ),
    ]


def run_all(quick: bool, reuse: bool, rasa_epochs: int) -> dict[str, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for dataset in DATASETS[:1] if quick else DATASETS:
        if not (DATA_DIR / dataset / "train.csv").exists():
            raise SystemExit(f"no data set at {DATA_DIR / dataset} (set KEFU_BENCH_DATA)")
        results[dataset] = {}
        for name, arguments in runs(dataset, quick, rasa_epochs):
            out = RESULTS / f"{dataset}-{name}{'-quick' if quick else ''}.json"
            if not (reuse and out.exists()):
                print(f"== {dataset}: {name}", file=sys.stderr)
                cli.main([*arguments, "--json", str(out)])
            results[dataset][name] = json.loads(out.read_text())
    return results


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {machine()}, commit {commit()}, "
        "by `make bench-nlu`.",
        "",
        "| data set | pipeline | accuracy | macro-F1 | closed-set acc. | in-scope acc. "
        "| OOS recall | train s | parse p50 ms | parse p95 ms | train ex. | intents |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for dataset, rows in results.items():
        for name, r in rows.items():
            lines.append(
                f"| {dataset} | {name} | {fmt(r['accuracy'])} | {fmt(r['macro_f1'], 3)} "
                f"| {fmt(r['closed_accuracy'])} | {fmt(r['in_scope_accuracy'])} "
                f"| {fmt(r['oos_recall'])} | {fmt(r['train_seconds'], 1)} "
                f"| {fmt(r['parse_ms_p50'])} | {fmt(r['parse_ms_p95'])} "
                f"| {r['n_train']} | {r['n_intents']} |"
            )
        if dataset in RECORDED:
            rec = RECORDED[dataset]
            lines.append(
                f"| {dataset} | rasa-default, {rec['epochs']} epochs (recorded {rec['date']}) "
                f"| {rec['accuracy']:.2f} | {rec['macro_f1']:.3f} | | | | ~4800 | | | | |"
            )
        for who, accuracy in PUBLISHED.get(dataset, []):
            lines.append(f"| {dataset} | {who} (published) | {accuracy:.2f} | | | | | | | | | |")
    return "\n".join(lines)


def write_readme(section: str, readme: Path = README) -> None:
    """Replace the text between the NLU markers, or append a marked section."""
    replace_section(BEGIN, END, section, readme)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke run; prints, no README")
    parser.add_argument("--reuse", action="store_true", help="reuse runs in var/bench/nlu/")
    parser.add_argument("--rasa-default-epochs", type=int, default=5)
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    rendered = table(run_all(args.quick, args.reuse, args.rasa_default_epochs))
    print(rendered)
    if not args.quick:
        write_readme(rendered)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
