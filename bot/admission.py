"""At most a few turns inside the Rasa server at once, in the order their conversations' locks
came free.

All turns share the server's one event loop. With 50 turns at once, each moves a step at a
time between the others' steps, so a turn with twice the work (a form's last answer: a
validation, the CRM, three predictions) takes twice as long as the rest, and Kefu's p95 at 50
conversations was 1.7x its p50 (plain Rasa's 1.2x; bench/README.md, "Load"). Admitted a few
at a time, first come first served, a turn's time is its wait plus its own work, and the
spread narrows.

The gate sits *inside* the conversation's lock: `apply` wraps `MessageProcessor.handle_message`,
which `Agent.handle_message` calls once it holds the lock. So a turn has taken its lock ticket
when it arrives, before it waits here, and what the guard records behind a slow turn (its
"taking longer" reply, `bot/guard.py`) takes the next ticket and lands after the turn, as
without the gate. (A gate in front of the lock did not: the reply was recorded before the
queued turn, and the exchange log saw the turn twice.) Only turns that hold their own lock wait
here, so a place is never held by a turn waiting for another's lock.

A turn stuck on a part that hangs keeps its place at most `hold_limit` seconds (the reply
timeout: its customer has had the "taking longer" reply by then); it goes on running outside
the count, so a hanging part cannot close the gate.

Off unless KEFU_TURNS_AT_ONCE is set: on a quiet machine no number of places measured better
than none at 50 conversations, and on a saturated one the waiting shows as "taking longer"
replies at the reply timeout instead of silent waiting (bench/README.md, "Load").
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

logger = logging.getLogger(__name__)

_APPLIED: set[str] = set()


class TurnGate:
    """A first-come-first-served gate for `capacity` turns, each holding a place at most
    `hold_limit` seconds."""

    def __init__(self, capacity: int, hold_limit: float) -> None:
        if capacity < 1 or not hold_limit > 0:
            raise ValueError("A turn gate needs at least one place and a positive hold limit.")
        self.capacity = capacity
        self.hold_limit = hold_limit
        self.inside = 0
        self._waiting: collections.deque[asyncio.Future[None]] = collections.deque()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @contextlib.asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        """Hold a place for the body; wait in arrival order while all places are taken."""
        await self._enter()
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._leave()

        overdue = asyncio.get_running_loop().call_later(self.hold_limit, self._overdue, release)
        try:
            yield
        finally:
            overdue.cancel()
            release()

    async def _enter(self) -> None:
        if self.inside < self.capacity and not self._waiting:
            self.inside += 1
            return
        place: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(place)
        try:
            await place  # `_leave` hands its place over: `inside` already counts this turn
        except asyncio.CancelledError:
            if place.done() and not place.cancelled():
                self._leave()  # handed a place just as it was cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):  # `_leave` may have dropped it already
                    self._waiting.remove(place)
            raise

    def _leave(self) -> None:
        while self._waiting:
            place = self._waiting.popleft()
            if not place.done():
                place.set_result(None)
                return
        self.inside -= 1

    def _overdue(self, release: Callable[[], None]) -> None:
        logger.warning(
            "A turn held its place for %ss; it goes on outside the gate's count.", self.hold_limit
        )
        release()


def gated(
    handle_message: Callable[..., Awaitable[Any]], gate: TurnGate
) -> Callable[..., Awaitable[Any]]:
    """`MessageProcessor.handle_message`, run with a place in `gate`."""

    @functools.wraps(handle_message)
    async def handle_message_gated(self: Any, message: Any) -> Any:
        async with gate.admitted():
            return await handle_message(self, message)

    return handle_message_gated


def apply(capacity: int, hold_limit: float) -> TurnGate | None:
    """Install the gate in the Rasa server (idempotent); a capacity of 0 leaves it out."""
    if capacity == 0 or "admission" in _APPLIED:
        return None
    from rasa.core.processor import MessageProcessor

    gate = TurnGate(capacity, hold_limit)
    MessageProcessor.handle_message = gated(  # type: ignore[method-assign]
        MessageProcessor.handle_message, gate
    )
    _APPLIED.add("admission")
    return gate
