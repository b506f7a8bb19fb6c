"""URLs, engines and the reachability check."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from crm_store.db import async_url, check_database, create_engine, display_url, sync_url
from crm_store.errors import DatabaseUnavailable


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
