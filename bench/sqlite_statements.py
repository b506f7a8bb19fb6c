"""What a SQLite statement costs through SQLAlchemy's aiosqlite adapter, with and without
`crm_store/sqlite_one_hop.py` (one hand-off to aiosqlite's thread per statement).

    .venv/bin/python -m bench.sqlite_statements [--units 500]

Runs units of work (a session, a transaction, N one-row queries by primary key) on a SQLite
file, alternating SQLAlchemy's own adapter and the one-hop one, and prints the median wall
milliseconds of a unit and the CPU milliseconds per unit for each.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_cursor

from crm_store import sqlite_one_hop
from crm_store.db import create_engine, create_sessionmaker


def _use(one_hop: bool) -> None:
    if one_hop:
        sqlite_one_hop.install()
    else:
        cursor = AsyncAdapt_aiosqlite_cursor
        cursor.execute = sqlite_one_hop.SQLALCHEMY_EXECUTE  # type: ignore[method-assign]
        cursor.executemany = sqlite_one_hop.SQLALCHEMY_EXECUTEMANY  # type: ignore[method-assign]


async def _measure(units: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
            await connection.execute(text("INSERT INTO t VALUES (1, 'a')"))
        sessions = create_sessionmaker(engine)

        async def unit(statements: int) -> None:
            async with sessions() as session, session.begin():
                for _ in range(statements):
                    (await session.execute(text("SELECT v FROM t WHERE id = 1"))).scalar_one()

        print("| statements a unit | adapter | median ms a unit | CPU ms a unit |")
        print("|---|---|---|---|")
        for statements in (1, 4):
            for one_hop in (False, True, False, True):
                _use(one_hop)
                walls = []
                cpu = time.process_time()
                for _ in range(units):
                    started = time.perf_counter()
                    await unit(statements)
                    walls.append((time.perf_counter() - started) * 1e3)
                cpu_ms = (time.process_time() - cpu) / units * 1e3
                name = "one hop" if one_hop else "SQLAlchemy's"
                print(f"| {statements} | {name} | {statistics.median(walls):.3f} | {cpu_ms:.3f} |")
        await engine.dispose()
    sqlite_one_hop.install()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    asyncio.run(_measure(parser.parse_args().units))


if __name__ == "__main__":
    main()
