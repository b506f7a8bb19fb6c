"""Scoring a batch's customer messages before the exchange logger writes the batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kefu.workers.tracker_table import TrackerEvent

# As tracker_events.SentimentScorer: a customer message's sentiment in [-1, 1].
Scorer = Callable[[str], float]


def scored_in_advance(events: Sequence[TrackerEvent], score: Scorer | None) -> Scorer | None:
    """`score`, with the batch's customer messages scored now, before the batch's first statement.

    Scoring is the batch's CPU work (tens of milliseconds on a busy machine). Done between the
    batch's writes, it kept SQLite's one write lock held, and the action server's writes in a
    customer's turn (a rating, a ticket) waited for it (bench/README.md, "Load"). A text that
    failed to score here is scored again on the logging path, which logs the error and keeps
    the record without a score.
    """
    if score is None:
        return None
    known: dict[str, float] = {}
    for event in events:
        text = event.data.get("text") if event.type_name == "user" else None
        if isinstance(text, str) and text and text not in known:
            try:
                known[text] = float(score(text))
            except Exception:  # reported where the record is written
                continue
    return lambda text: known[text] if text in known else score(text)
