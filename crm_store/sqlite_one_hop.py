"""Each SQL statement on SQLite in one hand-off to aiosqlite's thread instead of three or four.

aiosqlite runs sqlite3 on a thread of its own; every call is a hand-off (a queue put, the
thread waking, then `call_soon_threadsafe` waking the event loop with the result).
SQLAlchemy's adapter makes four of them for a query (open a cursor, execute, fetch the rows,
close the cursor) and three for any other statement. Here the whole sequence runs as one
function on aiosqlite's thread: the same sqlite3 calls in the same order, the same rows,
`description`, `rowcount` and `lastrowid`, and errors still go through SQLAlchemy's own
`_handle_exception`, so they surface as the same SQLAlchemy exceptions. A unit of work of four
one-row queries went from 1.44–1.52 to 0.77–0.97 ms (`python -m bench.sqlite_statements`); the
rating turn's CRM work in the embedded default from 10–11.7 to 7.1–7.7 ms (bench/README.md).

`install()` is idempotent and called by `crm_store.db.create_engine` for SQLite URLs. Server-side
cursors (`stream()`) keep SQLAlchemy's path, which fetches lazily.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_cursor

_Outcome = tuple[Any, list[Any] | None, int | None, int]


def _execute(
    connection: sqlite3.Connection, operation: str, parameters: Sequence[Any] | None
) -> _Outcome:
    """On aiosqlite's thread: what SQLAlchemy's adapter does in four hand-offs."""
    cursor = connection.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, rows, cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


def _executemany(
    connection: sqlite3.Connection, operation: str, parameters: Sequence[Any]
) -> tuple[int | None, int]:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, parameters)
        return cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


def _one_hop(cursor: Any, function: Any, *args: Any) -> Any:
    connection = cursor._connection  # aiosqlite's Connection
    return cursor.await_(connection._execute(function, connection._conn, *args))


def execute(self: AsyncAdapt_aiosqlite_cursor, operation: Any, parameters: Any = None) -> None:
    if self.server_side:
        SQLALCHEMY_EXECUTE(self, operation, parameters)
        return
    try:
        description, rows, lastrowid, rowcount = _one_hop(self, _execute, operation, parameters)
    except Exception as error:
        self._adapt_connection._handle_exception(error)
    if description:
        self.description = description
        self.lastrowid = self.rowcount = -1
        self._rows = deque(rows or ())
    else:
        self.description = None
        self.lastrowid = lastrowid
        self.rowcount = rowcount


def executemany(self: AsyncAdapt_aiosqlite_cursor, operation: Any, parameters: Any) -> None:
    try:
        lastrowid, rowcount = _one_hop(self, _executemany, operation, parameters)
    except Exception as error:
        self._adapt_connection._handle_exception(error)
    self.description = None
    self.lastrowid = lastrowid
    self.rowcount = rowcount


# SQLAlchemy's own, for server-side cursors (and for comparison in bench/sqlite_statements.py).
SQLALCHEMY_EXECUTE = AsyncAdapt_aiosqlite_cursor.execute
SQLALCHEMY_EXECUTEMANY = AsyncAdapt_aiosqlite_cursor.executemany


def install() -> None:
    """Route SQLAlchemy's aiosqlite statements through one hand-off each (idempotent)."""
    AsyncAdapt_aiosqlite_cursor.execute = execute  # type: ignore[method-assign]
    AsyncAdapt_aiosqlite_cursor.executemany = executemany  # type: ignore[method-assign]
