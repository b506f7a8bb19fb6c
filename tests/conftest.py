"""Shared test set-up: every test runs against throw-away databases, never var/."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# Rasa would try to reach the network; the guard and launcher read these.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
