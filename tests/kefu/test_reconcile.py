"""`python -m kefu reconcile` as people run it, on a SQLite CRM and tracker store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.crm_store.test_cli import crm


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A migrated, empty CRM made by the CLI."""
    path = tmp_path / "kefu.db"
    upgraded = crm(path, "upgrade")
    assert upgraded.code == 0, upgraded.err
    return path


def write_tracker(path: Path) -> None:
    """Rasa's events table with one short conversation, as the SQL tracker store writes it."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
            "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"
        )
        rows = [
            ("session_started", 100.0, {"event": "session_started"}),
            ("user", 101.0, {"event": "user", "text": "hi", "input_channel": "rest",
                             "parse_data": {"intent": {"name": "greet", "confidence": 0.9}}}),
            ("bot", 102.0, {"event": "bot", "text": "Hello!", "data": {}}),
        ]  # fmt: skip
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            [("cli-user", kind, ts, json.dumps(data)) for kind, ts, data in rows],
        )
    connection.close()


def test_reconcile_says_how_many_records_it_added(database: Path, tmp_path: Path) -> None:
    tracker = tmp_path / "tracker.db"
    write_tracker(tracker)
    first = crm(database, "reconcile", tracker=tracker, package="kefu")
    assert first.code == 0, first.err
    assert "added 2 records" in first.out
    assert "added 0 records" in crm(database, "reconcile", tracker=tracker, package="kefu").out
    stats = json.loads(crm(database, "stats", "--json").out)
    assert stats["records"] == {"user": 1, "bot": 1, "agent": 0}
