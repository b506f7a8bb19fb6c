"""Command line of the NLU benchmark: one pipeline or baseline on one train/test pair."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.nlu import baselines, rasa_run
from bench.nlu.data import (
    HOLDOUT_LABEL,
    Example,
    pick_holdout,
    read_csv,
    relabel,
    split_validation,
    stratified_head,
    top_intents,
)
from bench.nlu.metrics import latency, score, sweep_threshold
from kefu.paths import REPO_ROOT

CONFIGS = REPO_ROOT / "bench" / "configs"
# Kefu's pipeline is the one the bot ships: config.yml itself, policies and all.
KEFU_CONFIG = REPO_ROOT / "config.yml"
RASA_BASELINES = {"rasa-default": CONFIGS / "rasa-default.yml"}
BASELINES = ("tfidf-svm", *RASA_BASELINES)
# --quick: small enough for CI (a few hundred examples, a few intents, one held out as OOS).
QUICK = {"limit_intents": 6, "limit_train": 300, "limit_test": 120, "holdout_intents": 1}
QUICK_EPOCHS = 5
THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 20)]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.nlu", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--train", type=Path, required=True, help="text,category CSV")
    parser.add_argument("--test", type=Path, help="text,category CSV (not with --tune-threshold)")
    parser.add_argument("--oos-label", help="the label of out-of-scope examples, if any")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--config", type=Path, help=f"Rasa config (default {KEFU_CONFIG})")
    which.add_argument("--baseline", choices=BASELINES)
    parser.add_argument("--epochs", type=int, help="override every component's epochs")
    parser.add_argument("--limit-train", type=int, help="at most N training examples")
    parser.add_argument("--limit-test", type=int, help="at most N test examples")
    parser.add_argument("--limit-intents", type=int, help="only the K most frequent intents")
    parser.add_argument(
        "--holdout-intents",
        type=int,
        default=0,
        help="treat K intents (fixed seed) as out of scope: not trained, counted in oos_recall",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"CI smoke run: {QUICK}, epochs {QUICK_EPOCHS} (explicit options win)",
    )
    parser.add_argument(
        "--tune-threshold",
        type=float,
        metavar="SHARE",
        help="no test set: split SHARE of TRAIN off for validation and sweep the fallback "
        "threshold on it (use with --holdout-intents for out-of-scope examples)",
    )
    parser.add_argument("--json", dest="json_path", type=Path, help="write the results here")
    parser.add_argument("--keep", type=Path, help="keep the work dir (model, logs) here")
    return parser


def select(
    train: list[Example], test: list[Example], args: argparse.Namespace
) -> tuple[list[Example], list[Example], str | None]:
    """Apply the limits and hold-outs; returns train (in scope only), test, the OOS label."""
    oos_label = args.oos_label
    if args.limit_intents:
        keep = set(top_intents(train, args.limit_intents + args.holdout_intents, oos_label))
        if oos_label:
            keep.add(oos_label)
        train = [e for e in train if e.label in keep]
        test = [e for e in test if e.label in keep]
    if args.holdout_intents:
        labels = sorted({e.label for e in train} - {oos_label})
        held = set(pick_holdout(labels, args.holdout_intents))
        oos_label = oos_label or HOLDOUT_LABEL
        train = relabel(train, held, oos_label)
        test = relabel(test, held, oos_label)
    # Out-of-scope examples are never trained as an intent.
    train = [e for e in train if e.label != oos_label]
    if args.limit_train:
        train = stratified_head(train, args.limit_train)
    if args.limit_test:
        test = stratified_head(test, args.limit_test)
    return train, test, oos_label


def run(args: argparse.Namespace) -> dict[str, Any]:
    train = read_csv(args.train)
    if args.tune_threshold:
        train, test = split_validation(train, args.tune_threshold)
    elif args.test:
        test = read_csv(args.test)
    else:
        raise SystemExit("--test is required (or --tune-threshold SHARE)")
    train, test, oos_label = select(train, test, args)
    if len({e.label for e in train}) < 2:
        raise SystemExit("need at least two intents to train")
    name = args.baseline or str(args.config or KEFU_CONFIG.relative_to(REPO_ROOT))
    result: dict[str, Any] = {
        "pipeline": name,
        "train_file": str(args.train),
        "test_file": "validation split of train" if args.tune_threshold else str(args.test),
        "epochs": args.epochs,
        "n_train": len(train),
        "n_intents": len({e.label for e in train}),
        "oos_label": oos_label,
    }
    if args.baseline == "tfidf-svm":
        predictions, seconds = baselines.tfidf_svm(train, test)
        result["parse_via"] = "in process"
    else:
        config = RASA_BASELINES.get(args.baseline or "", args.config or KEFU_CONFIG)
        with tempfile.TemporaryDirectory(prefix="bench-nlu-") as tmp:
            workdir = args.keep or Path(tmp)
            print(f"training {name} on {len(train)} examples ...", file=sys.stderr)
            model, seconds = rasa_run.train(config, train, workdir, args.epochs)
            print(f"trained in {seconds:.0f} s; parsing {len(test)} texts ...", file=sys.stderr)
            with rasa_run.serve(model, workdir) as url:
                predictions = rasa_run.parse_all(url, test)
        result["parse_via"] = "rasa run --enable-api, POST /model/parse"
    result.update(score(predictions, oos_label))
    result["train_seconds"] = round(seconds, 1)
    result.update(latency(predictions))
    if args.tune_threshold:
        # Replayed with the config's own ambiguity threshold, so only the threshold varies.
        ambiguity = None if args.baseline == "tfidf-svm" else rasa_run.ambiguity_threshold(config)
        result["ambiguity_threshold"] = ambiguity
        result["threshold_sweep"] = sweep_threshold(predictions, oos_label, THRESHOLDS, ambiguity)
        best = max(result["threshold_sweep"], key=lambda row: (row["accuracy"], -row["threshold"]))
        result["best_threshold"] = best["threshold"]
    return result


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.quick:
        for key, value in QUICK.items():
            if not getattr(args, key):
                setattr(args, key, value)
        if args.epochs is None:
            args.epochs = QUICK_EPOCHS
    result = run(args)
    shown = {k: v for k, v in result.items() if k != "threshold_sweep"}
    print(json.dumps(shown, indent=2))
    if args.json_path:
        args.json_path.parent.mkdir(parents=True, exist_ok=True)
        args.json_path.write_text(json.dumps(result, indent=2) + "\n")
    return 0
