"""Shared test set-up: every test runs against throw-away databases, never var/."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

_REPO = str(Path(__file__).resolve().parent.parent)
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

# tests/bot/ is the Rasa side's: `make test` runs it in .venv-rasa (Rasa is not importable here).
collect_ignore = ["bot"]

# Rasa would try to reach the network; the guard and launcher read these.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

# Imported after sys.path is set, so the repo's packages resolve however pytest was started.
from crm_store.db import create_engine  # noqa: E402
from kefu.workers.tracker_table import tracker_metadata  # noqa: E402
from tests.databases import (  # noqa: E402, F401 - fixtures, registered by being imported here
    _backends,
    backend,
    crm,
    crm_pool,
    empty_url,
    make_database,
    postgres_server,
    seeded,
    seeded_url,
)
from tests.stack import (  # noqa: E402, F401 - fixtures, as below
    databases,
    graph_api,
    slack_api,
    stack,
    telegram_api,
)


@pytest_asyncio.fixture
async def tracker(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Rasa's tracker store on SQLite, with the schema Rasa's SQLTrackerStore creates."""
    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(tracker_metadata.create_all)
    yield engine
    await engine.dispose()
