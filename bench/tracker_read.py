"""What a turn's tracker read costs when another Rasa instance served the turn before.

    .venv-rasa/bin/python -m bench.tracker_read [--url postgresql://postgres@127.0.0.1/test]

Behind nginx a conversation's turns go to whichever Rasa server is free, so the server that
takes a turn has often not written the one before. `KefuSQLTrackerStore` then used to read and
decode the whole session again; it now reads only the rows written after the ones it holds
(bot/tracker_store.py). This plays one conversation whose turns another store writes, and
reports the main-thread CPU of each `retrieve` both ways. Run in the Rasa environment.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

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

from bot.tracker_store import KefuSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet]
slots:
  name:
    type: text
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: hi}]
"""
)
# A turn as the tracker store sees it: the message, a slot, the reply, back to listening.
EVENTS_PER_TURN = 5


def _turn(tracker: DialogueStateTracker, index: int) -> None:
    at = 100.0 + index
    tracker.update(UserUttered(f"message {index}", {"intent": {"name": "greet"}}, timestamp=at))
    tracker.update(SlotSet("name", f"value {index}", timestamp=at + 0.1))
    tracker.update(ActionExecuted("utter_greet", timestamp=at + 0.2))
    tracker.update(BotUttered("hi", timestamp=at + 0.3))
    tracker.update(ActionExecuted("action_listen", timestamp=at + 0.4))


async def cpu_per_read(url: str, turns: int, catch_up: bool) -> float:
    """Milliseconds of CPU per `retrieve` after each turn another store wrote."""
    kefu, other = KefuSQLTrackerStore(DOMAIN, host=url), SQLTrackerStore(DOMAIN, host=url)
    sender = f"bench-read-{uuid.uuid4().hex[:8]}"
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(ActionExecuted("action_session_start", timestamp=99.0))
    tracker.update(SessionStarted(timestamp=99.1))
    _turn(tracker, 0)
    await kefu.save(tracker)
    spent = 0.0
    try:
        for index in range(1, turns + 1):
            written = await other.retrieve(sender)
            assert written is not None
            _turn(written, index)
            await other.save(written)
            if not catch_up:
                kefu._cache.pop(sender, None)  # the whole session, as before
            started = time.process_time()
            await kefu.retrieve(sender)
            spent += time.process_time() - started
    finally:
        with kefu.session_scope() as session:
            session.query(kefu.SQLEvent).filter(kefu.SQLEvent.sender_id == sender).delete()
            session.commit()
    return spent / turns * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--turns", type=int, default=30)
    args = parser.parse_args()
    for catch_up in (False, True):
        ms = asyncio.run(cpu_per_read(args.url, args.turns, catch_up))
        how = "rows after the cached ones" if catch_up else "the whole session"
        print(
            f"{how}: {ms:.2f} ms CPU per retrieve, mean over {args.turns} turns "
            f"(the session grows to {(args.turns + 1) * EVENTS_PER_TURN + 2} events)"
        )


if __name__ == "__main__":
    main()
