"""Rasa's SQL tracker store without its per-turn round trip: same tables, same answers.

Rasa's `SQLTrackerStore` reads and JSON-decodes every event of the conversation's session and
rebuilds each event object on every turn, opens a new SQLite connection per operation
(SQLAlchemy 1.4 pools no file connections) and waits for an fsync at every commit. Under load
that was 16 % of the Rasa server's main thread (bench/README.md). This store keeps the table,
the queries' meaning and the exchange logger's view unchanged, and:

- streams a save's new events to the event broker (the production profile's RabbitMQ) from
  what it is about to write, where Rasa reads the whole session back first to find them, and
  only the kinds its consumer reads when told (`published_event_types`, `published_slots`):
  the exchange logger reads 2.4 of the 9.3 events a customer message adds, and each published
  event costs a JSON dump and a deep copy here, and a delivery to decode in the logger;
- keeps the events of each conversation's latest session in memory (least recently used
  first out) once it has saved them, and answers `retrieve` from them when the newest event id
  in the table is still the one it saved last: one indexed `max(id)` query instead of reading
  the session. When another Rasa instance has written since (nginx spreads a conversation's
  turns over the instances), only the rows after the cached id are read and decoded; a lower
  id (rows deleted) means the session is read from the table as before, and remembered;
- on SQLite, keeps its connections in a pool, with WAL and `synchronous=NORMAL` (a commit
  needs no fsync; a power cut, not a crash, may lose the last turns, never corrupt the file)
  and a busy timeout, so the exchange logger's reads never block a turn.

Set in endpoints.yml as `type: bot.tracker_store.KefuSQLTrackerStore`, with the same `url`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
from collections import OrderedDict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SessionStarted, SlotSet, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

DEFAULT_CACHE_SIZE = 10_000
SQLITE_BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class _Cached:
    last_event_id: int
    events: tuple[Event, ...]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _engine(url: Any, **options: Any) -> Any:
    """An engine for the store's database: Rasa's settings, and on SQLite a pool of connections
    with the pragmas above."""
    if sa.engine.make_url(url).get_backend_name() == "sqlite":
        engine = sa.create_engine(
            url,
            poolclass=sa.pool.QueuePool,
            connect_args={"check_same_thread": False},
            **options,
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, **create_engine_kwargs(url), **options)


def latest_session(events: list[Event]) -> list[Event]:
    """The events Rasa's session query returns: from the latest SessionStarted's timestamp on
    (all of them when there is none), in order."""
    starts = [e.timestamp for e in events if isinstance(e, SessionStarted)]
    if not starts:
        return list(events)
    since = max(starts)
    return [e for e in events if e.timestamp >= since]


class KefuSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` with a verified in-memory cache of each session's events."""

    def __init__(
        self,
        *args: Any,
        cache_size: int = DEFAULT_CACHE_SIZE,
        published_event_types: Collection[str] | None = None,
        published_slots: Collection[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # None publishes every event, as Rasa does.
        self.published_event_types = (
            None if published_event_types is None else frozenset(published_event_types)
        )
        self.published_slots = None if published_slots is None else frozenset(published_slots)
        if self.engine.dialect.name == "sqlite":
            self.engine.dispose()
            self.engine = _engine(self.engine.url)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        # Single reads need no transaction: on PostgreSQL one is three round trips (BEGIN, the
        # query, ROLLBACK), and the newest-id check runs twice a turn. Their connections are
        # pooled apart: switching a pooled connection to autocommit and back costs a round trip.
        self._single_reads = sa.orm.session.sessionmaker(
            bind=_engine(self.engine.url, isolation_level="AUTOCOMMIT")
        )
        self.cache_size = int(cache_size)
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self.hits = 0
        self.misses = 0
        self.caught_up = 0

    def _last_event_id(self, session: Any, sender_id: str) -> int | None:
        return (
            session.query(sa.func.max(self.SQLEvent.id))
            .filter(self.SQLEvent.sender_id == sender_id)
            .scalar()
        )

    @contextlib.contextmanager
    def _single_read_scope(self) -> Iterator[Any]:
        """A session for reads that need no snapshot: each statement commits on its own."""
        session = self._single_reads()
        try:
            yield session
        finally:
            session.close()

    def _newest_event_id(self, sender_id: str) -> int | None:
        with self._single_read_scope() as session:
            return self._last_event_id(session, sender_id)

    def _read_session(self, sender_id: str) -> tuple[list[dict[str, Any]], int | None]:
        """The latest session's events as Rasa's `_retrieve` reads them, and the newest id."""
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
            newest = self._last_event_id(session, sender_id) if rows else None
            return [json.loads(row.data) for row in rows], newest

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        cached = self._cache.get(sender_id)
        if cached is not None and self.domain is not None:
            newest = self._newest_event_id(sender_id)
            if newest == cached.last_event_id:
                self._cache.move_to_end(sender_id)
                self.hits += 1
                return DialogueStateTracker.from_events(
                    sender_id, list(cached.events), self.domain.slots
                )
            if newest is not None and newest > cached.last_event_id:
                # Another instance served the turns since (the production profile's balancer
                # sends each turn to the least busy server): read only the rows it wrote.
                return self._catch_up(sender_id, cached)
            self._cache.pop(sender_id, None)
        self.misses += 1
        events, newest = self._read_session(sender_id)
        if self.domain is None or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if newest is not None:
            self._remember(sender_id, int(newest), tracker.events)
        return tracker

    def _catch_up(self, sender_id: str, cached: _Cached) -> DialogueStateTracker:
        """The cached session with the events written since, read by id (an indexed range);
        a session started meanwhile leaves only its own events, as the session query would."""
        assert self.domain is not None
        with self.session_scope() as session:
            rows = (
                session.query(self.SQLEvent.id, self.SQLEvent.data)
                .filter(
                    self.SQLEvent.sender_id == sender_id,
                    self.SQLEvent.id > cached.last_event_id,
                )
                .order_by(self.SQLEvent.id)
                .all()
            )
        self.caught_up += 1
        later = deserialise_events([json.loads(row.data) for row in rows])
        events = latest_session([*cached.events, *later])
        if rows:
            self._remember(sender_id, int(rows[-1].id), events)
        return DialogueStateTracker.from_events(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save (new events streamed to the broker if one is set, then appended),
        keeping the id of the last row it wrote so that the cache costs no query of its own.

        Rasa's `stream_events` finds the new events by retrieving the whole session again and
        diffing (`TrackerEventDiffEngine`: the tracker's events past the stored session's
        count); those are the events about to be written, so they are streamed from here.
        """
        cached = self._cache.get(tracker.sender_id)
        new_events = self._new_events(tracker, cached)
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
        last = self._append(tracker.sender_id, new_events)
        if last is not None:
            self._remember(tracker.sender_id, last, latest_session(list(tracker.events)))

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        await super()._stream_new_events(
            event_broker, [event for event in new_events if self._publishes(event)], sender_id
        )

    def _publishes(self, event: Event) -> bool:
        if self.published_event_types is not None and (
            event.type_name not in self.published_event_types
        ):
            return False
        return not (
            isinstance(event, SlotSet)
            and self.published_slots is not None
            and event.key not in self.published_slots
        )

    def _new_events(self, tracker: DialogueStateTracker, cached: _Cached | None) -> list[Event]:
        with self._single_read_scope() as session:
            return list(self._unsaved_events(session, tracker, cached))

    def _append(self, sender_id: str, events: list[Event]) -> int | None:
        """Writes the events; the id of the sender's newest row afterwards."""
        with self.session_scope() as session:
            rows = [self._row(sender_id, event) for event in events]
            session.add_all(rows)
            session.flush()
            last = rows[-1].id if rows else self._last_event_id(session, sender_id)
            session.commit()
        return None if last is None else int(last)

    def _remember(self, sender_id: str, last_event_id: int, events: Any) -> None:
        self._cache[sender_id] = _Cached(last_event_id, tuple(events))
        self._cache.move_to_end(sender_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _unsaved_events(
        self, session: Any, tracker: DialogueStateTracker, cached: _Cached | None
    ) -> Iterator[Event]:
        """The tracker's events not in the table yet, as Rasa's `_additional_events` finds them.

        Rasa counts the session's rows with a query over the sender's events (a subquery for
        the session's start) on every save. While the table's newest event id for the sender is
        the one this store wrote last, that count is the number of events it cached then.
        """
        if cached is not None and (
            self._last_event_id(session, tracker.sender_id) == cached.last_event_id
        ):
            return itertools.islice(tracker.events, len(cached.events), len(tracker.events))
        return self._additional_events(session, tracker)

    def _row(self, sender_id: str, event: Event) -> Any:
        """One `events` row, exactly as Rasa's SQLTrackerStore.save writes it."""
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )
