"""Throw-away CRM databases on SQLite and PostgreSQL, for every test that needs a CRM.

Each backend builds two templates once per session — the empty schema and the seeded demo
data — and every test gets its own copy (a file copy on SQLite, CREATE DATABASE … TEMPLATE on
PostgreSQL), so tests run real transactions and never see each other's changes.
"""

from __future__ import annotations

import asyncio
import getpass
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import psycopg2
import pytest
import pytest_asyncio
from psycopg2 import sql
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from crm_store.db import create_engine, create_sessionmaker
from crm_store.models import Base
from crm_store.seed import seed_database

PG_HOST = "127.0.0.1"
PG_PORT = 5432
SEED = 7
# One "seeding day" for the whole session, so every seeded copy has the same data.
SEEDED_AT = datetime.now(timezone.utc).replace(microsecond=0)

T = TypeVar("T")
# What the `crm`, `seeded` and `crm_pool` fixtures give a test.
Sessions = async_sessionmaker[AsyncSession]

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@dataclass
class PostgresServer:
    user: str | None
    reason: str  # why it cannot be used, when user is None

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@{PG_HOST}:{PG_PORT}/{database}"

    def _admin(self, statement: sql.Composable) -> None:
        connection = psycopg2.connect(
            host=PG_HOST, port=PG_PORT, user=self.user, dbname="postgres", connect_timeout=5
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def create(self, name: str, template: str | None = None) -> None:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        self._admin(statement)

    def drop(self, name: str) -> None:
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _find_postgres() -> PostgresServer:
    errors = []
    for user in dict.fromkeys(("postgres", getpass.getuser())):
        try:
            psycopg2.connect(
                host=PG_HOST, port=PG_PORT, user=user, dbname="postgres", connect_timeout=5
            ).close()
            return PostgresServer(user, "")
        except psycopg2.Error as error:
            errors.append(f"as {user}: {str(error).strip().splitlines()[0]}")
    return PostgresServer(
        None, f"PostgreSQL on {PG_HOST}:{PG_PORT} unreachable ({'; '.join(errors)})"
    )


def run_in_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on its own loop in a worker thread, away from pytest-asyncio's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _build(url: str, seeded: bool) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        if seeded:
            await seed_database(create_sessionmaker(engine), SEED, now=SEEDED_AT)
    finally:
        await engine.dispose()


@dataclass
class Backend:
    """Makes fresh databases of one kind; `new(kind)` returns a plain URL."""

    name: str
    workdir: Path
    postgres: PostgresServer | None
    prefix: str
    templates: dict[str, str]
    created: list[str]

    def template(self, kind: str) -> str:
        if kind not in self.templates:
            if kind not in ("empty", "seeded", "blank"):
                raise ValueError(kind)
            if self.name == "sqlite":
                path = self.workdir / f"template-{kind}.db"
                if kind != "blank":
                    run_in_thread(_build(f"sqlite:///{path}", seeded=kind == "seeded"))
                self.templates[kind] = str(path)
            else:
                assert self.postgres is not None
                name = f"{self.prefix}_tpl_{kind}"
                self.postgres.create(name)
                self.created.append(name)
                if kind != "blank":
                    run_in_thread(_build(self.postgres.url(name), seeded=kind == "seeded"))
                self.templates[kind] = name
        return self.templates[kind]

    def shared(self, kind: str) -> str:
        """One database per kind for the whole session (PostgreSQL tests roll back their work)."""
        key = f"shared-{kind}"
        if key not in self.templates:
            self.templates[key] = self.new(kind)
        return self.templates[key]

    def new(self, kind: str) -> str:
        """A fresh database: "blank" (no tables), "empty" (schema) or "seeded" (demo data)."""
        template = self.template(kind)
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        if self.name == "sqlite":
            path = self.workdir / f"{name}.db"
            if Path(template).exists():
                shutil.copyfile(template, path)
            return f"sqlite:///{path}"
        assert self.postgres is not None
        self.postgres.create(name, template=template)
        self.created.append(name)
        return self.postgres.url(name)

    def drop(self, url: str) -> None:
        if self.name == "postgresql":
            name = url.rsplit("/", 1)[1]
            assert self.postgres is not None
            self.postgres.drop(name)
            self.created.remove(name)


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    return _find_postgres()


@pytest.fixture(scope="session")
def _backends(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer
) -> Iterator[dict[str, Backend]]:
    prefix = f"kefu_test_{uuid.uuid4().hex[:8]}"
    backends = {
        "sqlite": Backend("sqlite", tmp_path_factory.mktemp("crm"), None, prefix, {}, []),
        "postgresql": Backend(
            "postgresql", tmp_path_factory.mktemp("pg"), postgres_server, prefix, {}, []
        ),
    }
    yield backends
    pg = backends["postgresql"]
    if pg.postgres is not None and pg.postgres.user is not None:
        for name in reversed(pg.created):
            pg.postgres.drop(name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, _backends: dict[str, Backend]) -> Backend:
    chosen = _backends[request.param]
    if chosen.name == "postgresql" and chosen.postgres and chosen.postgres.user is None:
        pytest.skip(chosen.postgres.reason)
    return chosen


@pytest.fixture
def make_database(backend: Backend) -> Iterator[Callable[[str], str]]:
    """make_database("empty" | "seeded" | "blank") -> URL of a new database, dropped afterwards."""
    made: list[str] = []

    def make(kind: str) -> str:
        url = backend.new(kind)
        made.append(url)
        return url

    yield make
    for url in made:
        backend.drop(url)


@pytest.fixture
def empty_url(make_database: Callable[[str], str]) -> str:
    return make_database("empty")


@pytest.fixture
def seeded_url(make_database: Callable[[str], str]) -> str:
    return make_database("seeded")


async def _isolated(
    backend: Backend, make_database: Callable[[str], str], kind: str
) -> AsyncIterator[Sessions]:
    """Sessions that see `kind` data and leave nothing behind.

    SQLite: a copy of the template file (a millisecond). PostgreSQL: copying a database takes
    0.2-0.3 s, so tests share one database per kind and each runs inside an outer transaction
    that is rolled back; the services' own `session.begin()` becomes a SAVEPOINT.
    """
    if backend.name == "sqlite":
        engine = create_engine(make_database(kind))
        yield create_sessionmaker(engine)
        await engine.dispose()
        return
    engine = create_engine(backend.shared(kind), poolclass=NullPool)
    async with engine.connect() as connection:
        transaction = await connection.begin()
        # Sequences ignore rollbacks; put them back so ids (and ticket numbers) are repeatable.
        for table in Base.metadata.sorted_tables:
            if "id" not in table.c:
                continue  # keyed otherwise (action receipts): no sequence
            await connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
        yield async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        await transaction.rollback()
    await engine.dispose()


@pytest_asyncio.fixture
async def crm(backend: Backend, make_database: Callable[[str], str]) -> AsyncIterator[Sessions]:
    """Sessions on the schema with no rows (one connection on PostgreSQL: no concurrency)."""
    async for sessions in _isolated(backend, make_database, "empty"):
        yield sessions


@pytest_asyncio.fixture
async def seeded(backend: Backend, make_database: Callable[[str], str]) -> AsyncIterator[Sessions]:
    """Sessions on the demo data (seed 7, seeded at SEEDED_AT); changes are thrown away."""
    async for sessions in _isolated(backend, make_database, "seeded"):
        yield sessions


@pytest_asyncio.fixture
async def crm_pool(empty_url: str) -> AsyncIterator[Sessions]:
    """Sessions on a database of its own with a connection pool, for tests of concurrency."""
    engine = create_engine(empty_url)
    yield create_sessionmaker(engine)
    await engine.dispose()
