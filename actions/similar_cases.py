"""Similar past tickets for the bot: a new request's likely category and how long it may take.

The index holds the CRM's tickets (subject and description, labelled with the category agents
gave them). It is built when the action server starts (or on first use), and grows with every
ticket the bot opens. Building it encodes every ticket (10 s of CPU for the demo CRM's 800, on
the cores the Rasa server loads on), so a built index is kept under the cache folder, keyed by
the tickets' ids, texts and categories: a start that finds the same tickets reads it instead.
Every use of it runs on one worker thread: encoding a text with the
sentence encoder takes milliseconds the event loop must not wait for, and one thread means an
`add` never races a query. Other customers' tickets only ever vote on a category:
and to a typical resolution time: nothing of their text reaches the customer.

An erased customer's tickets are never in it: the build leaves them out, and every lookup first
asks the CRM whether anyone was erased since (`python -m kefu erase-customer` runs in another
process); if so, their tickets leave the index and the cached copies leave the disk, without a
restart.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import statistics
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from actions.crm import CrmUnavailable, run_unit_of_work
from actions.extraction import guess_ticket_category
from crm_store.services.snapshots import erased_ticket_numbers, erasure_count, ticket_snapshots
from nlp import artefacts
from nlp.similarity import SimilarityIndex

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Share of the similarity-weighted vote the winning category needs; below it, ask.
MIN_VOTE_SHARE = 0.6
# A typical resolution time needs this many similar resolved tickets among the nearest.
MIN_RESOLVED_NEIGHBOURS = 3
NEIGHBOURS_FOR_RESOLUTION = 10

_INDEX_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ticket-index")


async def _on_index_thread(function: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(_INDEX_THREAD, function, *args)


@dataclass
class _TicketIndex:
    index: SimilarityIndex | None = None
    resolution_hours: dict[str, float] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    cache_dir: Path | None = None
    # The CRM's count of erased customers when the index last left theirs out (-1: not yet).
    erasures: int = -1


_state = _TicketIndex()
CACHE_PREFIX = "tickets-"


def configure(cache_dir: Path | None) -> None:
    """Keep built indexes under `cache_dir` (None: build one on every start)."""
    _state.cache_dir = cache_dir


def _build(snapshots: list[dict[str, str]]) -> SimilarityIndex:
    index = SimilarityIndex()
    index.add(
        [ticket["id"] for ticket in snapshots],
        [ticket["text"] for ticket in snapshots],
        [ticket["category"] for ticket in snapshots],
    )
    return index


def _cache_name(snapshots: list[dict[str, Any]]) -> str:
    """The cache entry of exactly these tickets: any other id, text or category, another one."""
    key = artefacts.data_hash((t["id"], t["text"], t["category"]) for t in snapshots)
    return CACHE_PREFIX + key[:24]


def _load_or_build(snapshots: list[dict[str, Any]], cache_dir: Path | None) -> SimilarityIndex:
    if cache_dir is None:
        return _build(snapshots)
    name = _cache_name(snapshots)
    try:
        return SimilarityIndex.load(cache_dir, name=name)
    except (artefacts.ModelNotFoundError, artefacts.ModelVersionError, OSError, ValueError):
        pass  # none yet, or written by other library versions: build it
    index = _build(snapshots)
    try:
        index.save(cache_dir, name=name)
        # Only the newest set of tickets is worth keeping.
        for old in cache_dir.glob(CACHE_PREFIX + "*"):
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        logger.warning("cannot keep the ticket index under %s: %s", cache_dir, error)
    return index


async def ticket_index() -> SimilarityIndex | None:
    """The index of past tickets; None while the CRM cannot be read (tried again next time)."""
    if _state.index is not None:
        return _state.index if await _without_the_erased(_state.index) else None
    async with _state.lock:
        if _state.index is None:
            try:
                snapshots = await run_unit_of_work(
                    lambda session: ticket_snapshots(session, include_erased=False)
                )
            except CrmUnavailable:
                return None
            _state.index = await _on_index_thread(_load_or_build, snapshots, _state.cache_dir)
            _state.resolution_hours = {
                ticket["id"]: ticket["resolution_hours"]
                for ticket in snapshots
                if ticket.get("resolution_hours") is not None
            }
            logger.info("ticket similarity index built from %d tickets", len(snapshots))
    return _state.index if await _without_the_erased(_state.index) else None


async def _without_the_erased(index: SimilarityIndex) -> bool:
    """Take the tickets of customers erased since the last look out of the index and the disk;
    False when the CRM cannot say (the index is not used then)."""
    try:
        erasures = await run_unit_of_work(erasure_count)
        if erasures == _state.erasures:
            return True
        async with _state.lock:
            numbers = await run_unit_of_work(erased_ticket_numbers)
            removed = await _on_index_thread(index.remove, numbers)
            for number in numbers:
                _state.resolution_hours.pop(number, None)
            if removed:
                drop_cached_indexes(_state.cache_dir)
                logger.info("%d tickets of erased customers left the ticket index", removed)
            _state.erasures = max(_state.erasures, erasures)
    except CrmUnavailable:
        return False
    return True


def drop_cached_indexes(cache_dir: Path | None) -> int:
    """Delete every ticket index kept on disk (after an erasure); the next start builds one."""
    if cache_dir is None:
        return 0
    dropped = 0
    for kept in cache_dir.glob(CACHE_PREFIX + "*"):
        shutil.rmtree(kept, ignore_errors=True)
        dropped += 1
    return dropped


async def suggest_ticket_category(text: str) -> str | None:
    """The category the customer's words name, else the one similar past tickets agree on."""
    named = guess_ticket_category(text)
    if named is not None:
        return named
    index = await ticket_index()
    if index is None or not len(index):
        return None
    suggestion = await _on_index_thread(index.suggest_category, text)
    return suggestion.category if suggestion.confidence >= MIN_VOTE_SHARE else None


async def typical_resolution_hours(text: str) -> float | None:
    """The median time similar resolved tickets took, when enough of them are close."""
    index = await ticket_index()
    if index is None:
        return None
    neighbours = await _on_index_thread(index.query, text, NEIGHBOURS_FOR_RESOLUTION)
    hours = [
        _state.resolution_hours[neighbour.id]
        for neighbour in neighbours
        if neighbour.id in _state.resolution_hours
    ]
    return statistics.median(hours) if len(hours) >= MIN_RESOLVED_NEIGHBOURS else None


async def remember_ticket(ticket_number: str, text: str, category: str) -> None:
    """Add a ticket the bot just opened, so the next similar request finds it."""
    if _state.index is not None:
        await _on_index_thread(_state.index.add, [ticket_number], [text], [category])


async def warm_ticket_index() -> None:
    """Build the index before the first customer needs it (the action server's start-up task)."""
    try:
        await ticket_index()
    except Exception:  # a warm-up must never stop the server: first use builds it again
        logger.exception("could not build the ticket similarity index at start-up")


def forget_index() -> None:
    """Drop the index (tests, or after the CRM was replaced); it is rebuilt on next use."""
    _state.index = None
    _state.resolution_hours = {}
    _state.erasures = -1
    _state.lock = asyncio.Lock()
