"""The actions' door to the CRM: lazy engine, one unit of work, failures become CrmUnavailable."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from actions import crm
from crm_store.errors import NotFound
from crm_store.settings import DatabaseSettings
from tests.actions.support import settings_for


async def test_a_unit_of_work_runs_in_a_session_and_commits() -> None:
    async def work(session: AsyncSession) -> int:
        return int(await session.scalar(text("SELECT count(*) FROM customers")) or 0)

    assert await crm.run_unit_of_work(work) == 6
    assert crm._resources.engine is not None  # created on first use


async def test_business_errors_pass_through_to_the_action() -> None:
    async def work(session: AsyncSession) -> None:
        raise NotFound("no such thing")

    with pytest.raises(NotFound):
        await crm.run_unit_of_work(work)


async def test_a_timeout_becomes_crm_unavailable(crm_url: str) -> None:
    await crm.configure(settings_for(crm_url, timeout=0.1))

    async def slow(session: AsyncSession) -> None:
        await asyncio.sleep(3)

    started = time.monotonic()
    with pytest.raises(crm.CrmUnavailable):
        await crm.run_unit_of_work(slow)
    assert time.monotonic() - started < 1.0


async def test_an_unreachable_database_becomes_crm_unavailable(
    unreachable_crm: DatabaseSettings,
) -> None:
    await crm.configure(unreachable_crm)

    async def work(session: AsyncSession) -> None:
        await session.execute(text("SELECT 1"))

    started = time.monotonic()
    with pytest.raises(crm.CrmUnavailable):
        await crm.run_unit_of_work(work)
    assert time.monotonic() - started < unreachable_crm.timeout_seconds + 0.5


async def test_invalid_settings_become_crm_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    await crm.configure(None)
    monkeypatch.setenv("KEFU_DB_TIMEOUT_SECONDS", "soon")

    async def work(session: AsyncSession) -> None:
        raise AssertionError("must not run")

    with pytest.raises(crm.CrmUnavailable):
        await crm.run_unit_of_work(work)
