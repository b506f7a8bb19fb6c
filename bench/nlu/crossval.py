"""Cross-validation of the bot's own NLU data, per language: intent F1 as `rasa test nlu` gives it.

    python -m bench.nlu.crossval --folds 5 --languages en de zh

Each language's examples (en: data/nlu.yml and data/nlu_customers.yml, de: data/nlu_de.yml,
zh: data/nlu_zh.yml) are cross-validated on their own with the bot's config.yml pipeline minus
the response selectors (they pick FAQ answers, not intents) and, unless --with-fallback, minus
the FallbackClassifier (closed-set F1: a clarifying question counts as neither right nor wrong
answer there). Retrieval intents count as one intent each (faq, chitchat), as the bot's intent
classifier sees them. Runs `rasa test nlu --cross-validation` of .venv-rasa in a subprocess.

--confusions N prints the N most frequent (gold -> predicted) pairs of the held-out folds, from
Rasa's intent_errors.json: which intents the data lets overlap. --holdout FILE trains on all of
a language's examples and reports accuracy on the hand-written messages FILE holds for it
(bench/nlu/holdout.yml: new wording, never training data), as `rasa test nlu` scores them.

--together cross-validates the languages' examples as one data set, as the bot is trained (one
model for every language), and scores each held-out example in its own language: per-language
F1 of the model customers talk to. Without it each language is cross-validated on its own.

--seed N makes the folds reproducible: Rasa shuffles them unseeded (`StratifiedKFold(shuffle=
True)` in rasa.nlu.test.generate_folds), so two runs of the same data differ by about ±0.016;
with a seed, rasa runs with that shuffle seeded and the same data gives the same folds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bench.nlu.data import Example, write_rasa_nlu
from bench.nlu.rasa_run import prepare_config, tail
from kefu.model_cache import ensure_spacy_pipeline
from kefu.paths import RASA_BIN, RASA_PYTHON, REPO_ROOT, rasa_environment

LANGUAGE_FILES = {
    "en": ("data/nlu.yml", "data/nlu_customers.yml"),
    "de": ("data/nlu_de.yml",),
    "zh": ("data/nlu_zh.yml",),
}
# Components that do not decide the intent; dropped from the cross-validated pipeline.
_NOT_INTENT = {"ResponseSelector", "bot.svm_response_selector.SvmResponseSelector"}
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
# Rasa's fold splitter with its shuffle seeded: what `python -c` runs before rasa's own main.
SEED_FOLDS = """
import sklearn.model_selection as selection
class SeededStratifiedKFold(selection.StratifiedKFold):
    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits, shuffle=shuffle, random_state={seed})
selection.StratifiedKFold = SeededStratifiedKFold
"""
_RUN_RASA = "import sys\nfrom rasa.__main__ import main\nsys.exit(main())\n"


def examples_of(paths: tuple[str, ...], root: Path = REPO_ROOT) -> list[Example]:
    """The intent examples of Rasa YAML NLU files, entity markup removed."""
    found: list[Example] = []
    for name in paths:
        document = YAML(typ="safe").load((root / name).read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or []:
            intent = block.get("intent")
            if not intent:
                continue
            label = str(intent).split("/")[0]
            for line in str(block.get("examples") or "").splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    found.append(Example(_ENTITY_MARKUP.sub(r"\1", text), label))
    return found


def holdout_examples(path: Path, language: str) -> list[Example]:
    """The held-out messages of one language: `{language: {intent: [text, ...]}}` YAML."""
    document = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    by_intent = document.get(language) or {}
    return [Example(str(text), str(label)) for label, texts in by_intent.items() for text in texts]


def rasa_command(seed: int | None = None) -> list[str]:
    """How to start rasa: its own script, or with the folds' shuffle seeded (`SEED_FOLDS`)."""
    if seed is None:
        return [str(RASA_BIN)]
    return [str(RASA_PYTHON), "-c", SEED_FOLDS.format(seed=int(seed)) + _RUN_RASA]


def confused_pairs(errors_path: Path, top: int) -> list[tuple[str, str, int]]:
    """The most frequent (gold, predicted, count) of Rasa's intent_errors.json."""
    if not errors_path.exists():
        return []
    errors = json.loads(errors_path.read_text(encoding="utf-8"))
    pairs = Counter(
        (str(e["intent"]).split("/")[0], str((e.get("intent_prediction") or {}).get("name")))
        for e in errors
    )
    return [(gold, predicted, n) for (gold, predicted), n in pairs.most_common(top)]


def _run_rasa(command: list[str], workdir: Path, log_name: str) -> None:
    log_path = workdir / log_name
    with open(log_path, "wb") as log:
        env = {**rasa_environment(), "RASA_CACHE_DIRECTORY": str(workdir / "rasa-cache")}
        result = subprocess.run(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=log)
    if result.returncode != 0:
        raise RuntimeError(f"rasa failed ({result.returncode}):\n{tail(log_path)}")


def holdout_accuracy(
    language: str, holdout: Path, workdir: Path, with_fallback: bool = False
) -> dict[str, Any]:
    """Train on all of a language's examples, test on its held-out messages (accuracy)."""
    held = holdout_examples(holdout, language)
    if not held:
        return {"language": language, "holdout": 0, "holdout_accuracy": None, "misses": []}
    workdir.mkdir(parents=True, exist_ok=True)
    data, test_data = workdir / "nlu.json", workdir / "holdout.json"
    config, models, out = workdir / "config.yml", workdir / "models", workdir / "holdout-results"
    write_rasa_nlu(examples_of(LANGUAGE_FILES[language]), data)
    write_rasa_nlu(held, test_data)
    write_config(config, with_fallback)
    _run_rasa(
        [
            str(RASA_BIN), "train", "nlu", "--config", str(config), "--nlu", str(data),
            "--out", str(models), "--fixed-model-name", "holdout",
        ],
        workdir,
        "train.log",
    )  # fmt: skip
    _run_rasa(
        [
            str(RASA_BIN), "test", "nlu", "--model", str(models / "holdout.tar.gz"),
            "--nlu", str(test_data), "--out", str(out), "--no-plot",
        ],
        workdir,
        "holdout.log",
    )  # fmt: skip
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    errors_path = out / "intent_errors.json"
    errors = json.loads(errors_path.read_text(encoding="utf-8")) if errors_path.exists() else []
    return {
        "language": language,
        "holdout": len(held),
        "holdout_accuracy": round(report.get("accuracy", 0.0), 3),
        "misses": [
            (e["text"], e["intent"], (e.get("intent_prediction") or {}).get("name")) for e in errors
        ],
    }


def write_config(target: Path, with_fallback: bool) -> None:
    prepare_config(REPO_ROOT / "config.yml", target, epochs=None)
    config = YAML(typ="safe").load(target.read_text(encoding="utf-8"))
    dropped = _NOT_INTENT | (set() if with_fallback else {"FallbackClassifier"})
    config["pipeline"] = [c for c in config["pipeline"] if c.get("name") not in dropped]
    out = StringIO()
    YAML(typ="safe", pure=True).dump(config, out)
    target.write_text(out.getvalue(), encoding="utf-8")


def cross_validate(
    language: str,
    folds: int,
    workdir: Path,
    with_fallback: bool = False,
    confusions: int = 5,
    seed: int | None = None,
) -> dict[str, Any]:
    """`rasa test nlu --cross-validation` on one language's examples; F1 and support."""
    examples = examples_of(LANGUAGE_FILES[language])
    workdir.mkdir(parents=True, exist_ok=True)
    data, config, out = workdir / "nlu.json", workdir / "config.yml", workdir / "results"
    write_rasa_nlu(examples, data)
    write_config(config, with_fallback)
    command = [
        *rasa_command(seed), "test", "nlu", "--cross-validation", "--folds", str(folds),
        "--config", str(config), "--nlu", str(data), "--out", str(out),
    ]  # fmt: skip
    log_path = workdir / "test.log"
    with open(log_path, "wb") as log:
        env = {**rasa_environment(), "RASA_CACHE_DIRECTORY": str(workdir / "rasa-cache")}
        result = subprocess.run(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=log)
    report_path = out / "intent_report.json"
    if result.returncode != 0 or not report_path.exists():
        raise RuntimeError(f"rasa test nlu failed ({result.returncode}):\n{tail(log_path)}")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    return {
        "language": language,
        "examples": len(examples),
        "intents": len({e.label for e in examples}),
        "weighted_f1": round(report["weighted avg"]["f1-score"], 3),
        "macro_f1": round(report["macro avg"]["f1-score"], 3),
        "accuracy": round(report.get("accuracy", 0.0), 3),
        "worst": sorted(
            (
                (name, round(row["f1-score"], 2))
                for name, row in report.items()
                if isinstance(row, dict) and "support" in row and "avg" not in name
            ),
            key=lambda item: item[1],
        )[:5],
        "confused": confused_pairs(out / "intent_errors.json", confusions),
    }


def per_language_scores(
    results: list[dict[str, Any]], language_of_text: dict[str, list[str]]
) -> dict[str, dict[str, Any]]:
    """Weighted and macro F1 per language of Rasa's per-example intent results.

    `results` are the entries of intent_successes.json and intent_errors.json (text, gold intent,
    prediction); `language_of_text` names the language of each training text, once per
    occurrence. A text in several languages' files ("ok", a bare order number) that Rasa kept
    once counts in each of them, as each language's own cross-validation would count it.
    """
    from sklearn.metrics import classification_report

    by_text: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for entry in results:
        gold = str(entry["intent"]).split("/")[0]
        predicted = str((entry.get("intent_prediction") or {}).get("name")).split("/")[0]
        by_text[str(entry["text"])].append((gold, predicted))
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for text, outcomes in by_text.items():
        for index, language in enumerate(language_of_text.get(text, [])):
            pairs[language].append(outcomes[min(index, len(outcomes) - 1)])
    scores: dict[str, dict[str, Any]] = {}
    for language, rows in pairs.items():
        golds, predictions = [g for g, _ in rows], [p for _, p in rows]
        report = classification_report(golds, predictions, output_dict=True, zero_division=0)
        scores[language] = {
            "examples": len(rows),
            "intents": len(set(golds)),
            "weighted_f1": round(report["weighted avg"]["f1-score"], 3),
            "macro_f1": round(report["macro avg"]["f1-score"], 3),
            "accuracy": round(report["accuracy"], 3),
            "worst": sorted(
                (
                    (name, round(row["f1-score"], 2))
                    for name, row in report.items()
                    if isinstance(row, dict) and name in set(golds)
                ),
                key=lambda item: item[1],
            )[:5],
            "confused": Counter((g, p) for g, p in rows if g != p).most_common(),
        }
    return scores


def cross_validate_together(
    languages: list[str],
    folds: int,
    workdir: Path,
    with_fallback: bool = False,
    confusions: int = 5,
    seed: int | None = None,
) -> list[dict[str, Any]]:
    """One cross-validation of all languages' examples (the bot's one model), F1 per language."""
    language_of_text: dict[str, list[str]] = defaultdict(list)
    examples: list[Example] = []
    for language in languages:
        for example in examples_of(LANGUAGE_FILES[language]):
            examples.append(example)
            language_of_text[example.text].append(language)
    workdir.mkdir(parents=True, exist_ok=True)
    data, config, out = workdir / "nlu.json", workdir / "config.yml", workdir / "results"
    write_rasa_nlu(examples, data)
    write_config(config, with_fallback)
    _run_rasa(
        [
            *rasa_command(seed), "test", "nlu", "--cross-validation", "--folds", str(folds),
            "--config", str(config), "--nlu", str(data), "--out", str(out), "--successes",
        ],
        workdir,
        "test.log",
    )  # fmt: skip
    results: list[dict[str, Any]] = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = out / name
        if path.exists():
            results.extend(json.loads(path.read_text(encoding="utf-8")))
    scores = per_language_scores(results, language_of_text)
    return [
        {
            "language": language,
            **scores[language],
            "confused": [(g, p, n) for (g, p), n in scores[language]["confused"][:confusions]],
        }
        for language in languages
        if language in scores
    ]


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.nlu.crossval", description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGE_FILES))
    parser.add_argument("--with-fallback", action="store_true")
    parser.add_argument(
        "--confusions", type=int, default=5, metavar="N",
        help="print the N most frequent (gold -> predicted) confusions per language",
    )  # fmt: skip
    parser.add_argument(
        "--holdout", type=Path, metavar="FILE",
        help="also train on all examples and report accuracy on FILE's held-out messages",
    )  # fmt: skip
    parser.add_argument(
        "--seed", type=int, metavar="N", help="shuffle the folds with seed N (reproducible)"
    )
    parser.add_argument(
        "--keep", type=Path, metavar="DIR",
        help="work in DIR and keep Rasa's reports there (DIR/LANGUAGE/results/intent_errors.json)",
    )  # fmt: skip
    parser.add_argument(
        "--together", action="store_true",
        help="one cross-validation of all LANGUAGES' examples (the bot's model), F1 per language",
    )  # fmt: skip
    parser.add_argument("--no-crossval", action="store_true", help="only the --holdout test")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = argument_parser()
    args = parser.parse_args(argv)
    unknown = set(args.languages) - set(LANGUAGE_FILES)
    if unknown:
        parser.error(f"unknown language(s): {', '.join(sorted(unknown))}")
    ensure_spacy_pipeline()
    results = []
    with (
        contextlib.nullcontext(str(args.keep))
        if args.keep
        else tempfile.TemporaryDirectory(prefix="kefu-crossval-")
    ) as tmp:
        stream = sys.stderr if args.json else sys.stdout
        crossvalidated: dict[str, dict[str, Any]] = {}
        if args.together and not args.no_crossval:
            together = cross_validate_together(
                args.languages, args.folds, Path(tmp) / "together", args.with_fallback,
                args.confusions, args.seed,
            )  # fmt: skip
            crossvalidated = {result["language"]: result for result in together}
        for language in args.languages:
            result: dict[str, Any] = {"language": language}
            if not args.no_crossval:
                result = crossvalidated.get(language) or cross_validate(
                    language, args.folds, Path(tmp) / language, args.with_fallback,
                    args.confusions, args.seed,
                )  # fmt: skip
                print(
                    f"{language}: intent F1 {result['weighted_f1']:.3f} weighted, "
                    f"{result['macro_f1']:.3f} macro ({result['examples']} examples, "
                    f"{result['intents']} intents, {args.folds} folds"
                    f"{'' if args.seed is None else f', seed {args.seed}'}"
                    f"{', trained with ' + ' '.join(args.languages) if args.together else ''}"
                    f"); worst {result['worst']}",
                    file=stream,
                )
                for gold, predicted, n in result["confused"]:
                    print(f"    {n:3d} x {gold} -> {predicted}", file=stream)
            if args.holdout is not None:
                held = holdout_accuracy(
                    language, args.holdout, Path(tmp) / f"{language}-holdout", args.with_fallback
                )
                result.update(held)
                if held["holdout_accuracy"] is not None:
                    print(
                        f"{language}: held-out accuracy {held['holdout_accuracy']:.3f} "
                        f"({held['holdout']} messages of {args.holdout.name})",
                        file=stream,
                    )
                    for text, gold, predicted in held["misses"]:
                        print(f"    {gold} -> {predicted}: {text}", file=stream)
            results.append(result)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
