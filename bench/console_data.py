"""A fresh PostgreSQL database with 100,000 conversations and 1,000,000 records for the console
benchmark, loaded with COPY (the schema by the Alembic migrations, then the rows, then ANALYZE).

Texts are drawn from a small support vocabulary, so a common word ("order") is in about a
tenth of the messages and a rare one ("zeppelin") in about a hundred.
"""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import psycopg2
from psycopg2 import sql
from tqdm import tqdm

from crm_store.migrate import upgrade

CHANNELS = ["rest", "socketio", "telegram", "slack", "facebook"]
STATUSES = ["bot"] * 5 + ["handoff", "agent"] + ["resolved"] * 3
TOPICS = ["delivery", "refunds", "account", "billing", "product", None]
INTENTS = ["order_status", "request_refund", "greet", "goodbye", "change_address", "nlu_fallback"]
# fmt: off
WORDS = [
    "parcel", "courier", "late", "invoice", "refund", "kettle", "address", "password", "account",
    "delivery", "broken", "tracking", "number", "email", "phone", "ticket", "cancel", "return",
    "help", "thanks", "please", "where", "when", "why",
]
# fmt: on
COMMON = "order"  # put in ~10 % of the customer messages
RARE = "zeppelin"  # put in ~100 messages


def _text(rng: random.Random, direction: str) -> str:
    words = rng.sample(WORDS, rng.randint(4, 10))
    if direction == "user" and rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), COMMON)
    if rng.random() < 100 / 1_000_000:
        words.append(RARE)
    return " ".join(words)


def _rows(
    conversations: int, per_conversation: int, seed: int
) -> Iterator[tuple[list[object], list[list[object]]]]:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    record_id = 0
    for cid in range(1, conversations + 1):
        began = start + timedelta(seconds=rng.randrange(330 * 86400))
        status = rng.choice(STATUSES)
        records = []
        for turn in range(per_conversation):
            record_id += 1
            direction = "user" if turn % 2 == 0 else "bot"
            sent = began + timedelta(seconds=20 * turn)
            intent = rng.choice(INTENTS) if direction == "user" else None
            confidence = round(rng.random(), 3) if intent else None
            sentiment = round(rng.uniform(-1, 1), 3) if direction == "user" else None
            text = _text(rng, direction)
            key = uuid.UUID(int=rng.getrandbits(128)).hex
            records.append(
                [record_id, cid, None, "rest", direction, text, sent, intent, confidence,
                 "[]", "{}", sentiment, None, key]
            )  # fmt: skip
        handoff = "asked for a human" if status in ("handoff", "agent") else None
        ended = began + timedelta(seconds=20 * per_conversation) if status == "resolved" else None
        conversation = [
            cid, f"bench-{cid}", float(cid), rng.choice(CHANNELS), None, status, handoff,
            "[]", rng.choice(TOPICS), round(rng.uniform(1, 5), 2), began,
            began + timedelta(seconds=20 * (per_conversation - 1)), ended,
        ]  # fmt: skip
        yield conversation, records


def _copy_text(rows: list[list[object]]) -> io.StringIO:
    def cell(value: object) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")

    return io.StringIO("".join("\t".join(map(cell, row)) + "\n" for row in rows))


CONVERSATION_COLUMNS = (
    "id, sender_id, session_started_at, channel, customer_id, status, handoff_reason, tags, "
    "topic, satisfaction, started_at, last_message_at, ended_at"
)
RECORD_COLUMNS = (
    "id, conversation_id, customer_id, channel, direction, text, sent_at, intent, confidence, "
    "entities, metadata, sentiment, agent_id, source_key"
)


def create_database(admin_dsn: dict[str, object], name: str) -> None:
    connection = psycopg2.connect(dbname="postgres", **admin_dsn)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def drop_database(admin_dsn: dict[str, object], name: str) -> None:
    connection = psycopg2.connect(dbname="postgres", **admin_dsn)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    connection.close()


def seed(
    url: str, dsn: dict[str, object], conversations: int, per_conversation: int
) -> dict[str, int]:
    """Migrate `url`, COPY the rows in batches, ANALYZE; returns what was loaded."""
    upgrade(url)
    connection = psycopg2.connect(**dsn)
    loaded = {"conversations": 0, "records": 0}
    batch_c: list[list[object]] = []
    batch_r: list[list[object]] = []
    with connection, connection.cursor() as cursor:

        def flush() -> None:
            cursor.copy_expert(
                f"COPY conversations ({CONVERSATION_COLUMNS}) FROM STDIN", _copy_text(batch_c)
            )
            cursor.copy_expert(
                f"COPY communication_records ({RECORD_COLUMNS}) FROM STDIN", _copy_text(batch_r)
            )
            loaded["conversations"] += len(batch_c)
            loaded["records"] += len(batch_r)
            batch_c.clear()
            batch_r.clear()

        rows = _rows(conversations, per_conversation, seed=7)
        for conversation, records in tqdm(rows, total=conversations, desc="COPY", unit="conv"):
            batch_c.append(conversation)
            batch_r.extend(records)
            if len(batch_c) >= 5000:
                flush()
        if batch_c:
            flush()
        for table in ("conversations", "communication_records"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return loaded
