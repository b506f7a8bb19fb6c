"""Engines and sessions: plain database URLs in, async engines and sessionmakers out."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InvalidatePoolError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import NullPool

from crm_store import sqlite_one_hop
from crm_store.errors import DatabaseUnavailable
from crm_store.settings import DEFAULT_DATA_DIR

# How long a SQLite writer waits for another one to finish before giving up.
SQLITE_BUSY_TIMEOUT_SECONDS = 15.0
# asyncpg's own connect timeout; check_database() and the actions put tighter ones around it.
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10.0
# A pooled PostgreSQL connection is pinged before use once it has been idle this long. A
# connection back in the pool for less than this is used as it is: a database restart takes
# longer, and the ping (BEGIN, an empty statement, ROLLBACK: three round trips on asyncpg) on
# every checkout was a tenth of the action servers' CPU under load (bench/README.md, Scale-out).
PING_WHEN_IDLE_SECONDS = 1.0
_IDLE_SINCE = "kefu_idle_since"

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg2"}


def _backend(url: URL) -> str:
    backend = url.get_backend_name()
    return "postgresql" if backend == "postgres" else backend


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as error:
        raise DatabaseUnavailable(f"{url!r} is not a database URL ({error})") from None


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def async_url(url: str) -> str:
    """`sqlite:///x.db` -> `sqlite+aiosqlite:///x.db`; `postgresql://…` -> `postgresql+asyncpg://…`."""
    parsed = _parse(url)
    return _render(parsed.set(drivername=_ASYNC_DRIVERS.get(_backend(parsed), parsed.drivername)))


def sync_url(url: str) -> str:
    """The form Alembic and other synchronous tools use (pysqlite, psycopg2)."""
    parsed = _parse(url)
    return _render(parsed.set(drivername=_SYNC_DRIVERS.get(_backend(parsed), parsed.drivername)))


def display_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def is_sqlite(url: str) -> bool:
    return _backend(_parse(url)) == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    parsed = _parse(url)
    if _backend(parsed) != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def ensure_data_directory(url: str) -> None:
    """Create the repository's own `var/` for the default SQLite files; other folders must exist."""
    path = sqlite_path(url)
    if path is not None and path.parent.resolve() == DEFAULT_DATA_DIR.resolve():
        path.parent.mkdir(parents=True, exist_ok=True)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers work while one process writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
    cursor.close()


def _set_synchronous_normal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(
    url: str,
    *,
    rebuildable_writes: bool = False,
    ping_when_idle: float = PING_WHEN_IDLE_SECONDS,
    **kwargs: Any,
) -> AsyncEngine:
    """An async engine for a plain URL; SQLite gets foreign keys, WAL and a busy timeout.

    Statement parameters never appear in errors or logs (`hide_parameters`): they are
    customers' messages and contact details, and tracebacks end up in log files.

    `rebuildable_writes`: everything this engine writes can be written again from elsewhere
    (the exchange log from the tracker store, scores by scoring again), so on SQLite a commit
    need not wait for an fsync (`synchronous=NORMAL` in WAL mode: durable when a process
    crashes, not when the machine loses power), and it holds the one write lock for far less.

    `ping_when_idle`: on PostgreSQL, a pooled connection idle this many seconds is pinged before
    use, and replaced when the ping finds it dead (0: at every checkout).
    """
    kwargs.setdefault("hide_parameters", True)
    parsed = _parse(async_url(url))
    if _backend(parsed) == "sqlite":
        sqlite_one_hop.install()
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, **kwargs.pop("connect_args", {})}
        engine = _create_async_engine(parsed, connect_args=connect_args, **kwargs)
        event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
        if rebuildable_writes:
            event.listen(engine.sync_engine, "connect", _set_synchronous_normal)
        return engine
    connect_args = {"timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS, **kwargs.pop("connect_args", {})}
    # Last in, first out: under load the same few connections serve every unit of work and are
    # never idle long enough to need the ping; the others wait, idle, until a burst needs them.
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_use_lifo", True)
    engine = _create_async_engine(parsed, connect_args=connect_args, **kwargs)
    _ping_when_idle(engine, ping_when_idle)
    return engine


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a connection at checkout when it has been idle `idle_seconds` (SQLAlchemy's
    `pool_pre_ping` pings at every checkout); a dead one is replaced, and the connections pooled
    before it are replaced too (they died with it)."""
    dialect = engine.dialect

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop(_IDLE_SINCE, None)
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return  # new, or back in the pool a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise InvalidatePoolError() from error
            raise

    event.listen(engine.sync_engine, "checkin", checked_in)
    event.listen(engine.sync_engine, "checkout", checked_out)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (callers read them after the work)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def describe_error(error: BaseException) -> str:
    """One line about what went wrong, without the statement's parameters (customer data)."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


async def check_database(url: str, timeout: float = 3.0) -> None:
    """Connect once and run `SELECT 1`; raise DatabaseUnavailable with a one-line reason."""
    shown = display_url(url)
    ensure_data_directory(url)
    path = sqlite_path(url)
    if path is not None and not path.parent.is_dir():
        raise DatabaseUnavailable(f"{shown}: the folder {path.parent} does not exist")
    engine = create_engine(url, poolclass=NullPool)
    try:

        async def ping() -> None:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))

        await asyncio.wait_for(ping(), timeout)
    except asyncio.TimeoutError:
        raise DatabaseUnavailable(f"{shown}: no answer within {timeout:g} s") from None
    except (SQLAlchemyError, OSError) as error:
        raise DatabaseUnavailable(f"{shown}: {describe_error(error)}") from None
    except Exception as error:  # asyncpg raises its own errors while connecting
        raise DatabaseUnavailable(f"{shown}: {describe_error(error)}") from None
    finally:
        await engine.dispose()
