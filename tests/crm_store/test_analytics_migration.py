"""Migration 0005 keeps the customers and what refers to them while SQLite rebuilds the table,
and down again cuts segment names back to the old column's 32 characters."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from crm_store.migrate import alembic_config, upgrade

INSERT_CUSTOMER = (
    "INSERT INTO customers (id, customer_number, email, first_name, last_name, segment, "
    "created_at) VALUES (1, 'C-1', 'a@example.com', 'Anna', 'Berg', 'vip', "
    "'2026-01-01 00:00:00')"
)
INSERT_ORDER = (
    "INSERT INTO orders (id, order_number, customer_id, status, placed_at, total, currency) "
    "VALUES (1, 'KF-1', 1, 'paid', '2026-02-01 00:00:00', 12.50, 'EUR')"
)
LONG_NAME = "at risk: were regulars, gone quiet"


def test_sqlite_rebuild_keeps_rows_and_references(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0004")
    with sqlite3.connect(path) as db:
        db.execute(INSERT_CUSTOMER)
        db.execute(INSERT_ORDER)
    upgrade(url)
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT segment, churn_risk, lifetime_value, analytics_at FROM customers")
        assert row.fetchall() == [("vip", None, None, None)]
        db.execute("PRAGMA foreign_keys=ON")
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        joined = "SELECT c.email FROM orders o JOIN customers c ON c.id = o.customer_id"
        assert db.execute(joined).fetchall() == [("a@example.com",)]
        db.execute(
            "UPDATE customers SET segment = ?, churn_risk = 0.4, lifetime_value = 99.5",
            (LONG_NAME,),
        )
    command.downgrade(alembic_config(url), "0004")
    with sqlite3.connect(path) as db:
        columns = {r[1] for r in db.execute("PRAGMA table_info(customers)")}
        assert "churn_risk" not in columns and "segment" in columns
        assert db.execute("SELECT segment FROM customers").fetchall() == [(LONG_NAME[:32],)]
        assert db.execute("SELECT count(*) FROM orders").fetchall() == [(1,)]
