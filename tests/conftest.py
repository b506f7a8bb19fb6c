"""Shared test set-up: every test runs against throw-away databases, never var/."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# Rasa would try to reach the network; the guard and launcher read these.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

# Imported after sys.path is set, so the repo's packages resolve however pytest was started.
from crm_store.db import create_engine  # noqa: E402
from crm_store.exchange import tracker_metadata  # noqa: E402


@pytest_asyncio.fixture
async def tracker(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Rasa's tracker store on SQLite, with the schema Rasa's SQLTrackerStore creates."""
    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(tracker_metadata.create_all)
    yield engine
    await engine.dispose()
