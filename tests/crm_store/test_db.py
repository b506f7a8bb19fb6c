"""URLs, engines and the reachability check."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from psycopg2 import sql
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from crm_store.db import async_url, check_database, create_engine, display_url, sync_url
from crm_store.errors import DatabaseUnavailable
from tests.databases import PostgresServer


@pytest.mark.parametrize(
    ("plain", "asynchronous", "synchronous"),
    [
        ("sqlite:////tmp/k.db", "sqlite+aiosqlite:////tmp/k.db", "sqlite:////tmp/k.db"),
        ("sqlite+aiosqlite:///k.db", "sqlite+aiosqlite:///k.db", "sqlite:///k.db"),
        (
            "postgresql://kefu:pw@db:5432/kefu",
            "postgresql+asyncpg://kefu:pw@db:5432/kefu",
            "postgresql+psycopg2://kefu:pw@db:5432/kefu",
        ),
        (
            "postgresql+asyncpg://kefu@db/kefu",
            "postgresql+asyncpg://kefu@db/kefu",
            "postgresql+psycopg2://kefu@db/kefu",
        ),
    ],
)
def test_url_forms(plain: str, asynchronous: str, synchronous: str) -> None:
    assert async_url(plain) == asynchronous
    assert sync_url(plain) == synchronous


def test_display_url_hides_the_password() -> None:
    assert "secret" not in display_url("postgresql://kefu:secret@db/kefu")


async def test_sqlite_engine_has_foreign_keys_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'k.db'}")
    try:
        async with engine.connect() as connection:
            pragmas = [
                (await connection.execute(text(f"PRAGMA {name}"))).scalar()
                for name in ("foreign_keys", "journal_mode", "busy_timeout")
            ]
    finally:
        await engine.dispose()
    assert pragmas[0] == 1 and pragmas[1] == "wal" and pragmas[2] >= 1000


async def test_only_rebuildable_writes_skip_the_fsync(tmp_path: Path) -> None:
    # FULL (2) by default: the action server's writes (ratings, tickets, cancellations) wait for
    # the disk; NORMAL (1) for the workers', which the tracker store can write again.
    for rebuildable, expected in ((False, 2), (True, 1)):
        engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}", rebuildable_writes=rebuildable)
        try:
            async with engine.connect() as connection:
                synchronous = (await connection.execute(text("PRAGMA synchronous"))).scalar()
                journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
        finally:
            await engine.dispose()
        assert (synchronous, journal) == (expected, "wal")


async def test_check_database_passes_for_a_working_database(tmp_path: Path) -> None:
    await check_database(f"sqlite:///{tmp_path / 'k.db'}")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://kefu:secret@127.0.0.1:1/kefu", "127.0.0.1:1"),
        ("sqlite:////no/such/folder/kefu.db", "does not exist"),
    ],
)
async def test_check_database_fails_fast_and_clearly(url: str, says: str) -> None:
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as raised:
        await check_database(url, timeout=3)
    assert says in str(raised.value)
    assert "secret" not in str(raised.value)
    assert time.monotonic() - started < 5


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    if postgres_server.user is None:
        pytest.skip(postgres_server.reason)
    name = f"kefu_test_ping_{uuid.uuid4().hex[:8]}"
    postgres_server.create(name)
    yield postgres_server.url(name)
    postgres_server.drop(name)


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


def _terminate(postgres_server: PostgresServer, pid: int) -> None:
    postgres_server._admin(sql.SQL("SELECT pg_terminate_backend({})").format(sql.Literal(pid)))


@pytest.mark.postgres
async def test_a_connection_back_in_the_pool_a_moment_ago_is_not_pinged(postgres_url: str) -> None:
    engine = create_engine(postgres_url, ping_when_idle=60)
    pings = 0
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        nonlocal pings
        pings += 1
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    try:
        pids = {await _backend_pid(engine) for _ in range(5)}
        assert len(pids) == 1  # one pooled connection, reused
        assert pings == 0
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_an_idle_connection_that_died_is_replaced_before_use(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    engine = create_engine(postgres_url, ping_when_idle=0.2)
    try:
        first = await _backend_pid(engine)
        _terminate(postgres_server, first)
        await asyncio.sleep(0.3)
        # The ping finds the connection dead; the unit of work runs on a new one.
        assert await _backend_pid(engine) != first
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_dead_connection_used_within_the_idle_time_fails_and_is_replaced(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    """The other side of not pinging: the unit of work that meets a connection killed in the
    last second fails (as one running when the database stopped would), the next one works."""
    engine = create_engine(postgres_url, ping_when_idle=60)
    try:
        first = await _backend_pid(engine)
        _terminate(postgres_server, first)
        with pytest.raises(DBAPIError):
            await _backend_pid(engine)
        assert await _backend_pid(engine) != first
    finally:
        await engine.dispose()
