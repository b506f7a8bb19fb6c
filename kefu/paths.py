"""Where Kefu's files and its two environments are, and the environment the Rasa side runs with."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"
LOG_DIR = VAR_DIR / "log"
RASA_VENV = REPO_ROOT / ".venv-rasa"
RASA_BIN = RASA_VENV / "bin" / "rasa"
RASA_PYTHON = RASA_VENV / "bin" / "python"
SPACY_PIPELINE = VAR_DIR / "spacy" / "kefu_en"


def rasa_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment for anything run in .venv-rasa.

    Telemetry off (it tries to reach the network), our Rasa components importable, and
    TensorFlow's start-up chatter reduced to warnings.
    """
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        PYTHONPATH=str(REPO_ROOT),
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONUNBUFFERED="1",
    )
    env.pop("VIRTUAL_ENV", None)
    if extra:
        env.update(extra)
    return env
