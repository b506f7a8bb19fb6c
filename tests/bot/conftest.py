"""Throw-away tracker store and CRM databases (SQLite files) for the background workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_store.db import create_engine, create_sessionmaker
from crm_store.exchange import tracker_metadata
from crm_store.models import Base


@pytest_asyncio.fixture
async def tracker(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(tracker_metadata.create_all)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def crm(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(f"sqlite:///{tmp_path / 'crm.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield create_sessionmaker(engine)
    await engine.dispose()
