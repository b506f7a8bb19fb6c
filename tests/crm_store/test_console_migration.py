"""Migration 0004 indexes the records already logged, and its search keeps up afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crm_store.migrate import upgrade

INSERT_CONVERSATION = (
    "INSERT INTO conversations (id, sender_id, session_started_at, channel, status, tags, "
    "started_at) VALUES (1, 's', 1.0, 'rest', 'bot', '[]', '2026-11-30 12:00:00')"
)
INSERT_RECORD = (
    "INSERT INTO communication_records (conversation_id, channel, direction, text, sent_at, "
    "entities, metadata, source_key) VALUES (1, 'rest', 'user', ?, '2026-11-30 12:00:00', "
    "'[]', '{}', ?)"
)
SEARCH = "SELECT rowid FROM communication_records_fts WHERE communication_records_fts MATCH ?"


def test_sqlite_fts_is_filled_from_existing_records(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    upgrade(url, "0003")
    with sqlite3.connect(tmp_path / "crm.db") as db:
        db.execute(INSERT_CONVERSATION)
        db.execute(INSERT_RECORD, ("my parcel never came", "k1"))
    upgrade(url)
    with sqlite3.connect(tmp_path / "crm.db") as db:
        assert db.execute(SEARCH, ('"parcel"',)).fetchall() == [(1,)]
        db.execute(INSERT_RECORD, ("Ünïcode Paket", "k2"))
        assert db.execute(SEARCH, ('"unicode"',)).fetchall() == [(2,)]
