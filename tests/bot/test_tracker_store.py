"""KefuSQLTrackerStore answers as Rasa's SQLTrackerStore does, from memory when it may."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import KefuSQLTrackerStore, latest_session

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet]
slots:
  name:
    type: text
    mappings: [{type: custom}]
  customer_id:
    type: text
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: hi}]
"""
)


def stores(tmp_path: Path) -> tuple[KefuSQLTrackerStore, SQLTrackerStore]:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    return KefuSQLTrackerStore(DOMAIN, host=url), SQLTrackerStore(DOMAIN, host=url)


def conversation(sender: str, start: float = 100.0) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in (
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start + 0.1),
        ActionExecuted("action_listen", timestamp=start + 0.2),
        UserUttered("hello", {"intent": {"name": "greet", "confidence": 1.0}}, timestamp=start + 1),
        SlotSet("name", "Anna", timestamp=start + 1.1),
        BotUttered("hi", timestamp=start + 1.2),
    ):
        tracker.update(event)
    return tracker


def dump(tracker: DialogueStateTracker | None) -> list[dict]:
    assert tracker is not None
    return [event.as_dict() for event in tracker.events]


async def test_a_saved_tracker_comes_back_from_memory_as_rasa_reads_it(tmp_path: Path) -> None:
    kefu, rasa = stores(tmp_path)
    await kefu.save(conversation("a"))
    from_memory = await kefu.retrieve("a")
    assert kefu.hits == 1
    assert dump(from_memory) == dump(await rasa.retrieve("a"))
    assert from_memory is not None and from_memory.get_slot("name") == "Anna"


async def test_another_writers_turns_are_read_by_id_after_the_cached_ones(tmp_path: Path) -> None:
    kefu, rasa = stores(tmp_path)
    await kefu.save(conversation("b"))
    other = await rasa.retrieve("b")
    assert other is not None
    other.update(UserUttered("again", {"intent": {"name": "greet"}}, timestamp=200.0))
    await rasa.save(other)
    again = await kefu.retrieve("b")
    assert (kefu.hits, kefu.misses, kefu.caught_up) == (0, 0, 1)
    assert again is not None and again.latest_message.text == "again"
    assert dump(again) == dump(await rasa.retrieve("b"))
    # Caught up, the cache is the table's again: the next turn is served from memory.
    await kefu.retrieve("b")
    assert kefu.hits == 1


async def test_a_session_another_writer_started_leaves_only_its_events(tmp_path: Path) -> None:
    kefu, rasa = stores(tmp_path)
    await kefu.save(conversation("s"))
    other = await rasa.retrieve("s")
    assert other is not None
    for event in list(conversation("s", start=900.0).events):
        other.update(event)
    await rasa.save(other)
    fresh = await kefu.retrieve("s")
    assert kefu.caught_up == 1
    assert dump(fresh) == dump(await rasa.retrieve("s"))
    assert fresh is not None and all(e.timestamp >= 900.0 for e in fresh.events)


async def test_deleted_rows_make_it_read_the_session_again(tmp_path: Path) -> None:
    kefu, rasa = stores(tmp_path)
    await kefu.save(conversation("x"))
    with kefu.session_scope() as session:
        newest = kefu._last_event_id(session, "x")
        session.query(kefu.SQLEvent).filter(kefu.SQLEvent.id == newest).delete()
        session.commit()
    again = await kefu.retrieve("x")
    assert (kefu.hits, kefu.misses, kefu.caught_up) == (0, 1, 0)
    assert dump(again) == dump(await rasa.retrieve("x"))


async def test_turns_append_and_a_new_session_starts_over(tmp_path: Path) -> None:
    kefu, rasa = stores(tmp_path)
    await kefu.save(conversation("c"))
    tracker = await kefu.retrieve("c")
    assert tracker is not None
    for event in list(conversation("c", start=500.0).events):
        tracker.update(event)
    await kefu.save(tracker)
    cached = await kefu.retrieve("c")
    expected = await rasa.retrieve("c")
    assert dump(cached) == dump(expected)
    assert all(e.timestamp >= 500.0 for e in cached.events)  # the latest session only


async def test_unknown_senders_and_eviction(tmp_path: Path) -> None:
    kefu, rasa = stores(tmp_path)
    kefu.cache_size = 1
    assert await kefu.retrieve("nobody") is None
    await kefu.save(conversation("d"))
    await kefu.save(conversation("e"))
    assert list(kefu._cache) == ["e"]
    assert dump(await kefu.retrieve("d")) == dump(await rasa.retrieve("d"))
    assert kefu.misses == 2


def test_sqlite_runs_in_wal_without_fsync_per_commit(tmp_path: Path) -> None:
    kefu, _ = stores(tmp_path)
    with kefu.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


@pytest.mark.parametrize(
    ("starts", "kept"),
    [([], 3), ([1.0], 3), ([1.0, 2.5], 1)],
)
def test_latest_session_matches_the_session_query(starts: list[float], kept: int) -> None:
    events = [SessionStarted(timestamp=t) for t in starts]
    events += [BotUttered("x", timestamp=t) for t in (1.5, 2.0, 3.0)]
    events.sort(key=lambda e: e.timestamp)
    chosen = latest_session(events)
    assert len([e for e in chosen if isinstance(e, BotUttered)]) == kept


async def test_the_rows_written_are_rasas(tmp_path: Path) -> None:
    kefu, rasa = stores(tmp_path)
    await kefu.save(conversation("same"))
    await rasa.save(conversation("same-too"))

    def rows(sender: str) -> list[tuple]:
        with rasa.engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.exec_driver_sql(
                    "SELECT type_name, timestamp, intent_name, action_name, data FROM events "
                    "WHERE sender_id = ? ORDER BY id",
                    (sender,),
                )
            ]

    assert rows("same") == rows("same-too") and len(rows("same")) == 6


async def test_a_save_writes_only_new_events_without_counting_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kefu, rasa = stores(tmp_path)
    await kefu.save(conversation("f"))
    counted: list[str] = []
    original = SQLTrackerStore._additional_events

    def counting(self: SQLTrackerStore, session: object, tracker: DialogueStateTracker) -> object:
        counted.append(tracker.sender_id)
        return original(self, session, tracker)

    monkeypatch.setattr(SQLTrackerStore, "_additional_events", counting)
    tracker = await kefu.retrieve("f")
    assert tracker is not None
    tracker.update(UserUttered("more", {"intent": {"name": "greet"}}, timestamp=300.0))
    await kefu.save(tracker)
    assert counted == []  # answered from what this store wrote last
    assert dump(await rasa.retrieve("f")) == dump(tracker)

    # Another writer in between: the session's rows are counted as Rasa counts them.
    other = await rasa.retrieve("f")
    assert other is not None
    other.update(BotUttered("from elsewhere", timestamp=301.0))
    await rasa.save(other)
    counted.clear()
    tracker.update(UserUttered("stale view", {"intent": {"name": "greet"}}, timestamp=302.0))
    await kefu.save(tracker)
    assert counted == ["f"]


class RecordingBroker(EventBroker):
    def __init__(self) -> None:
        self.published: list[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


async def test_a_save_streams_what_rasa_streams_without_reading_the_session_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, theirs = RecordingBroker(), RecordingBroker()
    kefu = KefuSQLTrackerStore(DOMAIN, host=f"sqlite:///{tmp_path / 'a.db'}", event_broker=ours)
    rasa = SQLTrackerStore(DOMAIN, host=f"sqlite:///{tmp_path / 'b.db'}", event_broker=theirs)
    await kefu.save(conversation("g"))
    await rasa.save(conversation("g"))
    first, second = await kefu.retrieve("g"), await rasa.retrieve("g")
    assert first is not None and second is not None
    retrieved: list[str] = []
    original = KefuSQLTrackerStore.retrieve

    async def counting(self: KefuSQLTrackerStore, sender_id: str) -> object:
        retrieved.append(sender_id)
        return await original(self, sender_id)

    monkeypatch.setattr(KefuSQLTrackerStore, "retrieve", counting)
    for tracker in (first, second):
        tracker.update(UserUttered("more", {"intent": {"name": "greet"}}, timestamp=300.0))
        tracker.update(BotUttered("again", timestamp=300.5))
    await kefu.save(first)
    assert retrieved == []  # nothing read back to find the new events
    await rasa.save(second)
    assert ours.published == theirs.published
    assert [e["event"] for e in ours.published[-2:]] == ["user", "bot"]
    assert len(ours.published) == 8 and {e["sender_id"] for e in ours.published} == {"g"}


async def test_only_the_kinds_of_events_asked_for_are_published(tmp_path: Path) -> None:
    """The production profile publishes what the exchange logger reads; the table keeps all."""
    broker = RecordingBroker()
    kefu = KefuSQLTrackerStore(
        DOMAIN,
        host=f"sqlite:///{tmp_path / 'a.db'}",
        event_broker=broker,
        published_event_types=["session_started", "user", "bot", "slot"],
        published_slots=["customer_id"],
    )
    tracker = conversation("h")
    tracker.update(SlotSet("customer_id", "7", timestamp=101.3))
    await kefu.save(tracker)
    published = [(e["event"], e.get("name")) for e in broker.published]
    assert published == [
        ("session_started", None),
        ("user", None),
        ("bot", None),
        ("slot", "customer_id"),
    ]
    kefu._cache.clear()  # read back from the table: every event is there
    assert dump(await kefu.retrieve("h")) == [e.as_dict() for e in latest_session(tracker.events)]


async def test_a_read_from_the_table_is_remembered(tmp_path: Path) -> None:
    kefu, rasa = stores(tmp_path)
    await rasa.save(conversation("i"))  # written by another instance
    first = await kefu.retrieve("i")
    second = await kefu.retrieve("i")
    assert (kefu.misses, kefu.hits) == (1, 1)
    assert dump(first) == dump(second) == dump(await rasa.retrieve("i"))


async def test_a_turns_newest_id_checks_run_outside_a_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each check is one query: a transaction around it would cost BEGIN and ROLLBACK too."""
    kefu, _ = stores(tmp_path)
    await kefu.save(conversation("j"))
    in_transaction: list[bool] = []
    original = KefuSQLTrackerStore._last_event_id

    def spying(self: KefuSQLTrackerStore, session: Any, sender_id: str) -> int | None:
        # pysqlite opens no transaction on a connection whose isolation_level is None.
        dbapi = session.connection().connection.dbapi_connection
        in_transaction.append(dbapi.isolation_level is not None)
        return original(self, session, sender_id)

    monkeypatch.setattr(KefuSQLTrackerStore, "_last_event_id", spying)
    tracker = await kefu.retrieve("j")
    assert tracker is not None and kefu.hits == 1
    tracker.update(UserUttered("more", {"intent": {"name": "greet"}}, timestamp=300.0))
    await kefu.save(tracker)
    assert in_transaction == [False, False]  # the retrieve's check and the save's
    kefu._cache.clear()
    assert dump(await kefu.retrieve("j")) == dump(tracker)
