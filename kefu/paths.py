"""Where Kefu's files and its two environments are, and the environment the Rasa side runs with."""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"
LOG_DIR = VAR_DIR / "log"
RASA_VENV = REPO_ROOT / ".venv-rasa"
RASA_BIN = RASA_VENV / "bin" / "rasa"
RASA_PYTHON = RASA_VENV / "bin" / "python"
SPACY_PIPELINE = VAR_DIR / "spacy" / "kefu_en"
# The sentence encoder's ONNX graph, built once (sentence_encoder reads KEFU_ENCODER_CACHE).
ENCODER_CACHE = VAR_DIR / "cache" / "encoder"
# The action server's ticket similarity index, kept for the next start (actions/similar_cases.py).
TICKET_INDEX_CACHE = VAR_DIR / "cache" / "ticket-index"


def use_encoder_cache(env: MutableMapping[str, str]) -> MutableMapping[str, str]:
    """`env` with KEFU_ENCODER_CACHE set to the default unless it names one already."""
    env.setdefault("KEFU_ENCODER_CACHE", str(ENCODER_CACHE))
    return env


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
    use_encoder_cache(env)
    if extra:
        env.update(extra)
    return env
