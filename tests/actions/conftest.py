"""Action tests: a throw-away CRM with the demo customers for every test.

The CRM template (schema + the three demo customers of the contract, a few others) is built once
per test session; every test gets its own copy of the file, so tests may change records freely.
Trackers, the test domain and `run_action` are in support.py.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions import crm, handoff, similar_cases
from crm_store.db import create_engine, create_sessionmaker
from crm_store.models import Base
from crm_store.opening_hours import parse_opening_hours
from crm_store.seed import seed_database
from crm_store.settings import DatabaseSettings
from tests.actions.support import SEED, SEEDED_AT, settings_for


def _run_in_thread(coroutine: Any) -> Any:
    # pytest-asyncio owns the test's event loop; build the template on a loop of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _build_template(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        # Three demo customers plus a few others, their orders and tickets: enough for every
        # flow, and for "someone else's record" checks.
        await seed_database(
            create_sessionmaker(engine), SEED, now=SEEDED_AT, customers=6, orders=20, tickets=4
        )
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def crm_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crm-template") / "kefu.db"
    _run_in_thread(_build_template(f"sqlite:///{path}"))
    return path


@pytest.fixture
def crm_url(crm_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "kefu.db"
    shutil.copyfile(crm_template, path)
    return f"sqlite:///{path}"


@pytest_asyncio.fixture(autouse=True)
async def actions_crm(crm_url: str) -> AsyncIterator[DatabaseSettings]:
    """Points the actions at this test's CRM copy, and closes their engine afterwards."""
    settings = settings_for(crm_url)
    await crm.configure(settings)
    similar_cases.forget_index()  # built from another test's CRM otherwise
    yield settings
    await crm.configure(None)
    similar_cases.forget_index()


@pytest_asyncio.fixture
async def crm_db(crm_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the same CRM copy, for checking what the actions changed."""
    engine = create_engine(crm_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def unreachable_crm() -> Iterator[DatabaseSettings]:
    """Settings whose database refuses connections (nothing listens on port 1)."""
    yield settings_for("postgresql://postgres@127.0.0.1:1/none", timeout=1.0)


@pytest.fixture(autouse=True)
def always_open() -> Iterator[None]:
    """The team is always in, so a handoff's reply does not depend on when the tests run; the
    closed hours have their own test (test_handoff.py)."""
    before = handoff.OPENING_HOURS["hours"]
    handoff.configure(parse_opening_hours("Mon-Sun 00:00-24:00", "UTC"))
    yield
    handoff.configure(before)
