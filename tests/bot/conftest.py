"""The Rasa side's tests run in .venv-rasa (`make test` runs them there, with --confcutdir so the
app side's conftest, which imports SQLAlchemy 2, is never loaded)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_REPO = str(Path(__file__).resolve().parents[2])
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
