"""bench.nlu.crossval's --seed: Rasa's folds, unseeded by Rasa, become reproducible."""

from __future__ import annotations

import subprocess
import sys

from bench.nlu.crossval import SEED_FOLDS, rasa_command
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
