"""bench.nlu.crossval: --seed makes Rasa's folds reproducible; --together scores per language."""

from __future__ import annotations

import subprocess
import sys

from bench.nlu.crossval import SEED_FOLDS, per_language_scores, rasa_command
from kefu.paths import RASA_BIN, RASA_PYTHON

# What rasa.nlu.test.generate_folds does with the splitter, after SEED_FOLDS has run.
_FOLDS_OF = """
from sklearn.model_selection import StratifiedKFold
labels = [n % 3 for n in range(30)]
print([list(test) for _, test in StratifiedKFold(n_splits=5, shuffle=True).split(labels, labels)])
"""


def _folds(seed: int | None) -> str:
    program = ("" if seed is None else SEED_FOLDS.format(seed=seed)) + _FOLDS_OF
    return subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout


def test_a_seed_gives_the_same_folds_every_run_and_none_does_not() -> None:
    assert _folds(3) == _folds(3)
    assert _folds(3) != _folds(4)
    # Unseeded, as Rasa runs it: three runs rarely agree (30 examples, 5 folds).
    assert len({_folds(None) for _ in range(3)}) > 1


def test_rasa_runs_through_the_seeding_program_only_with_a_seed() -> None:
    assert rasa_command() == [str(RASA_BIN)]
    python, flag, program = rasa_command(7)
    assert (python, flag) == (str(RASA_PYTHON), "-c")
    assert "random_state=7" in program and program.rstrip().endswith("sys.exit(main())")


def _result(text: str, gold: str, predicted: str) -> dict[str, object]:
    return {"text": text, "intent": gold, "intent_prediction": {"name": predicted}}


def test_results_of_one_model_are_scored_in_the_language_of_each_example() -> None:
    results = [
        _result("where is my order", "order_status", "order_status"),
        _result("cancel it", "cancel_order", "cancel_order"),
        _result("wo ist meine Bestellung", "order_status", "order_status"),
        _result("storniere sie", "cancel_order", "order_status"),
        # The same text in two languages' files, kept once by Rasa: it counts in both.
        _result("ok", "affirm", "affirm"),
        _result("faq text", "faq/shipping", "faq/returns"),
    ]
    languages = {
        "where is my order": ["en"],
        "cancel it": ["en"],
        "wo ist meine Bestellung": ["de"],
        "storniere sie": ["de"],
        "ok": ["en", "de"],
        "faq text": ["en"],
    }
    scores = per_language_scores(results, languages)
    assert scores["en"]["examples"] == 4 and scores["de"]["examples"] == 3
    # Retrieval intents count as one intent: faq/shipping read as faq/returns is right.
    assert scores["en"]["weighted_f1"] == 1.0
    assert scores["de"]["accuracy"] == round(2 / 3, 3)
    assert scores["de"]["confused"] == [(("cancel_order", "order_status"), 1)]
    assert scores["de"]["weighted_f1"] < 1.0
