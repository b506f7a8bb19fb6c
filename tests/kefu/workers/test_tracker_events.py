"""Tracker events -> communication records: realistic Rasa rows, idempotent, reconcilable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import event, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from crm_store.db import create_engine
from crm_store.models import AgentUser, CommunicationRecord, Conversation, QuarantinedEvent
from crm_store.services._common import value_of
from kefu.paths import REPO_ROOT
from kefu.workers.tracker_events import (
    LINKING_SLOT,
    LOGGED_EVENT_TYPES,
    ingest_events,
    reconcile,
    source_key,
)
from kefu.workers.tracker_table import (
    TrackerEvent,
    events_table,
    newest_event_id,
    read_tracker_events,
)
from tests.databases import Sessions

T0 = 1_763_800_000.123456


def user(text: str, ts: float, intent: str = "greet", **extra: Any) -> tuple[str, float, dict]:
    data = {
        "event": "user",
        "timestamp": ts,
        "metadata": extra.pop("metadata", {}),
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": 0.93},
            "entities": extra.pop("entities", []),
            "text": text,
            "message_id": "m1",
            "metadata": {},
            "intent_ranking": [{"name": intent, "confidence": 0.93}],
        },
        "input_channel": extra.pop("channel", "rest"),
        "message_id": "m1",
    }
    return "user", ts, data


def bot(text: str | None, ts: float, buttons: list[dict] | None = None, **metadata: Any) -> tuple:
    data = {
        "event": "bot",
        "timestamp": ts,
        "metadata": {"utter_action": "utter_greet", **metadata},
        "text": text,
        "data": {
            "elements": None,
            "quick_replies": None,
            "buttons": buttons,
            "attachment": None,
            "image": None,
            "custom": None,
        },
    }
    return "bot", ts, data


def session_started(ts: float) -> tuple[str, float, dict]:
    return "session_started", ts, {"event": "session_started", "timestamp": ts}


def action(name: str, ts: float) -> tuple[str, float, dict]:
    return "action", ts, {"event": "action", "timestamp": ts, "name": name, "policy": None}


def slot(name: str, value: Any, ts: float) -> tuple[str, float, dict]:
    return "slot", ts, {"event": "slot", "timestamp": ts, "name": name, "value": value}


async def write(tracker: AsyncEngine, sender: str, rows: list[tuple[str, float, dict]]) -> None:
    async with tracker.begin() as connection:
        for type_name, ts, data in rows:
            await connection.execute(
                insert(events_table).values(
                    sender_id=sender,
                    type_name=type_name,
                    timestamp=ts,
                    intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                    action_name=data.get("name"),  # as Rasa writes it: a slot's name too
                    data=json.dumps(data),
                )
            )


def a_conversation(start: float) -> list[tuple[str, float, dict]]:
    return [
        action("action_session_start", start),
        session_started(start),
        action("action_listen", start + 0.01),
        user("hi", start + 1),
        action("utter_greet", start + 1.1),
        bot("Hello! How can I help?", start + 1.2),
        user("where is my order?", start + 5, intent="order_status"),
        bot("What's your email?", start + 5.1),
        user("anna.schmidt@example.com", start + 9, intent="inform",
             entities=[{"entity": "email", "value": "anna.schmidt@example.com", "start": 0,
                        "end": 24, "extractor": "RegexEntityExtractor"}]),
        bot("Which postcode?", start + 9.1),
        user("10115", start + 12, intent="inform"),
        slot("customer_id", "1", start + 12.1),
        slot("is_verified", True, start + 12.1),
        bot("Thanks, Anna!", start + 12.2,
            buttons=[{"title": "Orders", "payload": "/recent_orders"}]),
    ]  # fmt: skip


async def records(crm: Sessions) -> list[CommunicationRecord]:
    async with crm() as session:
        return list(
            (
                await session.scalars(select(CommunicationRecord).order_by(CommunicationRecord.id))
            ).all()
        )


async def count(crm: Sessions, model: Any) -> int:
    async with crm() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def ingest(crm: Sessions, events: list[TrackerEvent]) -> int:
    async with crm() as session, session.begin():
        return await ingest_events(session, events)


async def test_read_tracker_events_pages_by_id(tracker: AsyncEngine) -> None:
    await write(tracker, "alice", a_conversation(T0))
    first = await read_tracker_events(tracker, after_id=0, limit=5)
    rest = await read_tracker_events(tracker, after_id=first[-1].event_id, limit=500)
    assert [e.event_id for e in first] == [1, 2, 3, 4, 5]
    assert len(first) + len(rest) == 14
    assert first[3].type_name == "user" and first[3].data["text"] == "hi"
    assert first[3].timestamp == T0 + 1 and first[3].sender_id == "alice"


async def test_read_tracker_events_of_some_slots(tracker: AsyncEngine) -> None:
    await write(tracker, "alice", a_conversation(T0))
    events = await read_tracker_events(
        tracker, types=("user", "slot"), slots=("customer_id",), up_to_id=13
    )
    assert [e.type_name for e in events] == ["user"] * 4 + ["slot"]
    assert events[-1].data["name"] == "customer_id"


async def test_read_tracker_events_before_rasa_made_its_table(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'not-yet.db'}")
    try:
        assert await read_tracker_events(engine) == []
        assert await newest_event_id(engine) == 0
    finally:
        await engine.dispose()


async def test_ingest_one_conversation(tracker: AsyncEngine, seeded: Sessions) -> None:
    await write(tracker, "alice", a_conversation(T0))
    added = await ingest(seeded, await read_tracker_events(tracker))
    assert added == 8
    rows = await records(seeded)
    assert [(r.direction, r.text) for r in rows][:3] == [
        ("user", "hi"),
        ("bot", "Hello! How can I help?"),
        ("user", "where is my order?"),
    ]
    assert all(r.customer_id == 1 for r in rows)  # linked back once identified
    email = rows[4]
    assert (email.intent, email.confidence, email.channel) == ("inform", 0.93, "rest")
    assert email.entities[0]["value"] == "anna.schmidt@example.com"
    assert rows[-1].extra["buttons"] == [{"title": "Orders", "payload": "/recent_orders"}]
    assert rows[-1].extra["utter_action"] == "utter_greet"
    assert rows[0].sent_at.timestamp() == pytest.approx(T0 + 1)
    assert rows[0].source_key == source_key("alice", "user", T0 + 1, "hi")
    async with seeded() as session:
        conversation = await session.scalar(select(Conversation))
    assert conversation is not None
    assert (conversation.sender_id, conversation.session_started_at) == ("alice", T0)
    assert (conversation.channel, conversation.customer_id) == ("rest", 1)
    assert conversation.last_message_at is not None
    assert conversation.last_message_at.timestamp() == pytest.approx(T0 + 12.2)


async def test_replay_adds_nothing(tracker: AsyncEngine, crm: Sessions) -> None:
    await write(tracker, "alice", a_conversation(T0))
    events = await read_tracker_events(tracker)
    assert await ingest(crm, events) == 8
    assert await ingest(crm, events) == 0
    assert await ingest(crm, events[5:9]) == 0
    assert await count(crm, CommunicationRecord) == 8
    assert await count(crm, Conversation) == 1


async def test_batches_split_anywhere_give_the_same_result(
    tracker: AsyncEngine, crm: Sessions
) -> None:
    await write(tracker, "alice", a_conversation(T0))
    await write(tracker, "alice", a_conversation(T0 + 3600))  # a second session
    await write(tracker, "bob", a_conversation(T0 + 10))
    events = await read_tracker_events(tracker)
    total = 0
    for start in range(0, len(events), 3):
        total += await ingest(crm, events[start : start + 3])
    assert total == 24
    async with crm() as session:
        per_conversation = (
            await session.execute(
                select(Conversation.sender_id, Conversation.session_started_at, func.count())
                .join(CommunicationRecord)
                .group_by(Conversation.sender_id, Conversation.session_started_at)
                .order_by(Conversation.sender_id, Conversation.session_started_at)
            )
        ).all()
    assert per_conversation == [("alice", T0, 8), ("alice", T0 + 3600, 8), ("bob", T0 + 10, 8)]


async def test_a_batch_looks_up_its_senders_conversations_together(
    tracker: AsyncEngine, crm: Sessions
) -> None:
    senders = [f"customer{number}" for number in range(10)]
    for number, sender in enumerate(senders):
        await write(tracker, sender, a_conversation(T0 + number))
    events = await read_tracker_events(tracker)
    # The sessions first: the second batch starts in the middle of ten conversations.
    started = [e for e in events if e.type_name == "session_started"]
    assert await ingest(crm, started) == 0
    statements: list[str] = []
    engine = crm.kw["bind"].sync_engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731 (conn, cursor, statement…)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert await ingest(crm, [e for e in events if e.type_name != "session_started"]) == 80
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    lookups = [s for s in statements if s.lstrip().startswith("SELECT") and "FROM conv" in s]
    assert len(lookups) == 1, lookups  # not one a sender
    async with crm() as session:
        per_sender = dict(
            (
                await session.execute(
                    select(Conversation.sender_id, func.count())
                    .join(CommunicationRecord)
                    .group_by(Conversation.sender_id)
                )
            ).all()
        )
    assert per_sender == {sender: 8 for sender in senders}


async def test_events_before_any_session_go_to_session_zero(
    tracker: AsyncEngine, crm: Sessions
) -> None:
    await write(tracker, "early", [user("hello?", T0), bot("Hi!", T0 + 1)])
    assert await ingest(crm, await read_tracker_events(tracker)) == 2
    async with crm() as session:
        conversation = await session.scalar(select(Conversation))
    assert conversation is not None and conversation.session_started_at == 0.0


async def test_reconcile_adds_only_what_is_missing(tracker: AsyncEngine, crm: Sessions) -> None:
    await write(tracker, "alice", a_conversation(T0))
    await write(tracker, "bob", a_conversation(T0 + 50))
    events = await read_tracker_events(tracker)
    await ingest(crm, events[:10])  # the logger got this far, then the CRM went down
    assert await reconcile(crm, tracker, batch_size=4) == 16 - 6  # 6 messages in 10 events
    assert await reconcile(crm, tracker) == 0
    assert await count(crm, CommunicationRecord) == 16


async def test_guarded_message_keeps_the_guard_info(tracker: AsyncEngine, crm: Sessions) -> None:
    guard = {"reason": "too_long", "length": 12000, "limit": 1000}
    preview = "x" * 200 + "…"
    await write(
        tracker,
        "long",
        [
            session_started(T0),
            user(preview, T0 + 1, intent="message_too_long", metadata={"kefu_guard": guard}),
            bot("That message is too long.", T0 + 2, kefu_guard={"reason": "too_long"}),
        ],
    )
    await ingest(crm, await read_tracker_events(tracker))
    user_record, bot_record = await records(crm)
    assert user_record.text == preview and user_record.intent == "message_too_long"
    assert user_record.extra == {"kefu_guard": guard}
    assert bot_record.extra["kefu_guard"] == {"reason": "too_long"}


async def test_odd_events_are_handled(tracker: AsyncEngine, crm: Sessions) -> None:
    await write(
        tracker,
        "odd",
        [
            session_started(T0),
            bot(None, T0 + 1, buttons=[{"title": "1", "payload": "/inform"}]),  # buttons only
            slot("customer_id", "999999", T0 + 2),  # nobody: ignored
            slot("customer_id", "not-a-number", T0 + 3),
            slot("customer_id", None, T0 + 4),
            user("'; DROP TABLE communication_records; --", T0 + 5, channel="socketio"),
            user("<script>alert(1)</script>", T0 + 6, channel="socketio"),
        ],
    )
    async with tracker.begin() as connection:  # a row whose data is not JSON
        await connection.execute(
            insert(events_table).values(
                sender_id="odd", type_name="user", timestamp=T0 + 7, data="{"
            )
        )
    assert await ingest(crm, await read_tracker_events(tracker)) == 3
    rows = await records(crm)
    assert [r.text for r in rows] == [
        "",
        "'; DROP TABLE communication_records; --",
        "<script>alert(1)</script>",
    ]
    assert all(r.customer_id is None for r in rows)
    assert rows[1].channel == "socketio"
    # The row that is not JSON is set aside, not logged as an empty message.
    assert await count(crm, QuarantinedEvent) == 1


def test_source_key_is_a_sha256_of_the_event() -> None:
    key = source_key("alice", "user", 1.5, "hi")
    assert len(key) == 64
    assert key == source_key("alice", "user", 1.5, "hi")
    assert key != source_key("alice", "bot", 1.5, "hi")
    assert key != source_key("alice", "user", 1.5000001, "hi")


def pause(ts: float) -> tuple[str, float, dict]:
    return "pause", ts, {"event": "pause", "timestamp": ts}


async def test_an_agents_reply_is_logged_once_as_the_agents_in_order(
    crm: Sessions, tracker: AsyncEngine
) -> None:
    async with crm() as session, session.begin():
        agent = AgentUser(
            username="ann", email="ann@console.invalid", display_name="Ann", password_hash="x"
        )
        session.add(agent)
        await session.flush()
        agent_id = agent.id
    await write(
        tracker,
        "paused-customer",
        [
            *a_conversation(T0)[:6],
            pause(T0 + 20),
            user("hello? anyone?", T0 + 21, intent="greet", channel="socketio"),
            bot("Hi, Ann here. Let me look.", T0 + 30, kefu_agent_id=agent_id,
                kefu_agent_name="Ann"),
            user("thanks", T0 + 31, intent="thank", channel="socketio"),
        ],
    )  # fmt: skip
    events = await read_tracker_events(tracker)
    assert await ingest(crm, events) == 5
    assert await ingest(crm, events) == 0  # idempotent
    logged = await records(crm)
    assert [(value_of(r.direction), r.text) for r in logged] == [
        ("user", "hi"),
        ("bot", "Hello! How can I help?"),
        ("user", "hello? anyone?"),
        ("agent", "Hi, Ann here. Let me look."),
        ("user", "thanks"),
    ]
    reply = logged[3]
    assert reply.agent_id == agent_id and reply.extra["kefu_agent_name"] == "Ann"


def test_the_production_servers_publish_what_the_logger_logs() -> None:
    """The Rasa servers send RabbitMQ only these events: one the logger needs and they do not
    send is logged by the tracker-store replay alone, seconds late."""
    endpoints = yaml.safe_load((REPO_ROOT / "endpoints.production.yml").read_text())
    store = endpoints["tracker_store"]
    assert set(store["published_event_types"]) == set(LOGGED_EVENT_TYPES)
    assert store["published_slots"] == [LINKING_SLOT]
