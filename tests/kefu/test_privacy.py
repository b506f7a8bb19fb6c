"""Erasure and retention over both stores, as `python -m kefu` runs them."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from crm_store.models import utcnow
from kefu.privacy import redacted_event
from tests.crm_store.test_cli import crm

# Her email, phone and street (her postcode, 10115, is also a part of customer number C10115).
ANNA = ("anna.schmidt@example.com", "+49301234567", "Invalidenstraße")
SAID = "my flat is Invalidenstraße 12, call +49301234567"


def anna_chats(tracker: Path, started: float) -> None:
    """Rasa's events table with one verified conversation of Anna's and one of someone else."""
    connection = sqlite3.connect(tracker)
    with connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) "
            "NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name "
            "VARCHAR(255), action_name VARCHAR(255), data TEXT)"
        )
        for sender, text in (("anna-web", SAID), ("other", "hello")):
            said = [{"entity": "email", "value": ANNA[0]}] if sender == "anna-web" else []
            contact = ANNA[0] if sender == "anna-web" else "someone@example.org"
            rows = [
                ("session_started", started, {"event": "session_started"}),
                ("user", started + 1, {"event": "user", "text": text, "input_channel": "rest",
                 "metadata": {"language": "en"}, "parse_data": {"text": text, "intent": {
                     "name": "inform", "confidence": 0.9}, "entities": said}}),
                ("slot", started + 2, {"event": "slot", "name": "contact", "value": contact}),
                ("slot", started + 3, {"event": "slot", "name": "customer_id", "value": "1"}
                 if sender == "anna-web" else {"event": "slot", "name": "x", "value": None}),
                ("bot", started + 4, {"event": "bot", "text": f"Thanks, {text}", "data": {}}),
            ]  # fmt: skip
            connection.executemany(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                [(sender, kind, ts, json.dumps(data)) for kind, ts, data in rows],
            )
    connection.close()


@pytest.fixture
def stores(tmp_path: Path) -> tuple[Path, Path]:
    crm_file, tracker = tmp_path / "kefu.db", tmp_path / "tracker.db"
    assert crm(crm_file, "upgrade").code == 0
    assert crm(crm_file, "seed", "--demo").code == 0
    anna_chats(tracker, utcnow().timestamp() - 60)
    assert crm(crm_file, "reconcile", tracker=tracker, package="kefu").code == 0
    return crm_file, tracker


def every_text(path: Path) -> str:
    """Everything stored in every table of a SQLite file, as one text."""
    connection = sqlite3.connect(path)
    tables = [
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    ]
    dump = "\n".join(
        repr(row) for table in tables for row in connection.execute(f'SELECT * FROM "{table}"')
    )
    connection.close()
    return dump


def test_erasure_leaves_nothing_of_the_customer_in_either_store(stores: tuple[Path, Path]) -> None:
    crm_file, tracker = stores
    before = every_text(crm_file) + every_text(tracker)
    assert ANNA[0] in before and "Invalidenstra" in before
    run = crm(crm_file, "erase-customer", "C10001", tracker=tracker, package="kefu")
    assert run.code == 0, run.err
    assert "Erased customer C10001" in run.out and "Redacted 5 tracker events" in run.out
    after = every_text(crm_file) + every_text(tracker)
    for detail in ANNA:
        assert detail not in after, detail
    assert "+49 30 1234567" not in after
    connection = sqlite3.connect(crm_file)
    row = connection.execute("SELECT postcode, city, phone FROM customers WHERE id = 1").fetchone()
    connection.close()
    assert row == (None, None, None)
    # The other conversation is untouched.
    assert "'Thanks, hello'" in every_text(tracker).replace('"', "'")
    again = crm(crm_file, "erase-customer", "1", tracker=tracker, package="kefu")
    assert again.code == 0 and "already erased" in again.out


def test_erasing_an_unknown_customer_changes_nothing(stores: tuple[Path, Path]) -> None:
    crm_file, tracker = stores
    before = crm_file.read_bytes(), tracker.read_bytes()
    for reference in ("C99999", "Anna"):
        run = crm(crm_file, "erase-customer", reference, tracker=tracker, package="kefu")
        assert run.code == 2 and "Nothing was changed" in run.err
    assert (crm_file.read_bytes(), tracker.read_bytes()) == before


def test_retention_forgets_old_conversations_in_both_stores(stores: tuple[Path, Path]) -> None:
    crm_file, tracker = stores
    keep = crm(crm_file, "retention", "--days", "1", tracker=tracker, package="kefu")
    assert keep.code == 0 and "Redacted 0 conversations" in keep.out
    old = (utcnow() - timedelta(days=40)).timestamp()
    anna_chats(tracker, old)  # an old session of each, before the recent one
    assert crm(crm_file, "reconcile", tracker=tracker, package="kefu").code == 0
    run = crm(crm_file, "retention", "--days", "30", tracker=tracker, package="kefu")
    assert run.code == 0, run.err
    assert "Redacted 2 conversations" in run.out and "deleted 10 tracker events" in run.out


def test_a_redacted_event_keeps_its_kind_and_loses_its_words() -> None:
    parse = {"text": SAID, "intent": {"name": "inform"}, "entities": [{"v": 1}]}
    user = {"event": "user", "text": SAID, "metadata": {"kefu_client": "k"}, "parse_data": parse}
    clean = redacted_event("user", user)
    assert clean["event"] == "user" and clean["parse_data"]["intent"] == {"name": "inform"}
    assert SAID not in json.dumps(clean) and "metadata" not in clean
    assert redacted_event("slot", {"name": "contact", "value": ANNA[0]})["value"] is None
