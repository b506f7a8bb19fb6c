"""SQLite statements through one hand-off to aiosqlite's thread, with SQLAlchemy's results."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import Integer, String, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from crm_store.db import create_engine, create_sessionmaker


class _Base(DeclarativeBase):
    pass


class _Note(_Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(String(20), unique=True)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'one_hop.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(_Base.metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def hand_offs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The name of every function aiosqlite's thread is handed."""
    names: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        names.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    yield names


async def test_a_query_is_one_hand_off(engine: AsyncEngine, hand_offs: list[str]) -> None:
    async with engine.connect() as connection:
        hand_offs.clear()
        rows = (await connection.execute(text("SELECT 1, 'two'"))).all()
        assert hand_offs == ["_execute"]  # SQLAlchemy's adapter: cursor, execute, fetchall, close
    assert [tuple(row) for row in rows] == [(1, "two")]


async def test_rows_ids_and_counts_are_sqlalchemys(engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        session.add_all([_Note(body="a"), _Note(body="b")])
        await session.flush()
        await session.execute(insert(_Note), [{"body": "c"}, {"body": "d"}])  # executemany
        changed = await session.execute(update(_Note).where(_Note.body == "a").values(body="z"))
        assert changed.rowcount == 1
        inserted = await session.execute(text("INSERT INTO notes (body) VALUES ('e')"))
        assert inserted.lastrowid == 5
    async with sessions() as session:
        bodies = (await session.scalars(select(_Note.body).order_by(_Note.id))).all()
    assert bodies == ["z", "b", "c", "d", "e"]


async def test_errors_are_sqlalchemys_and_change_nothing(engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        session.add(_Note(body="only"))
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            await session.execute(insert(_Note).values(body="other"))
            await session.execute(insert(_Note).values(body="only"))
    with pytest.raises(OperationalError):
        async with engine.connect() as connection:
            await connection.execute(text("SELECT * FROM no_such_table"))
    async with sessions() as session:
        assert (await session.scalars(select(_Note.body))).all() == ["only"]


async def test_a_streamed_query_still_reads_every_row(engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        await session.execute(insert(_Note), [{"body": f"n{i}"} for i in range(250)])
    async with engine.connect() as connection:
        streamed = await connection.stream(select(_Note.body).order_by(_Note.id))
        bodies = [row[0] async for row in streamed]
    assert bodies == [f"n{i}" for i in range(250)]
