"""The turn gate: a few turns at once, in arrival order, never closed by a stuck turn, and inside
the conversation's lock so the guard's replies keep their place in the log."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered

from bot.admission import TurnGate, gated
from bot.guard import SLOW_REPLY, AppHolder, run_guarded_turn
from bot.screening import GuardLimits


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_no_more_turns_than_the_capacity_are_inside_at_once() -> None:
    gate = TurnGate(capacity=2, hold_limit=5)
    inside, most = 0, 0

    async def turn() -> None:
        nonlocal inside, most
        async with gate.admitted():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(turn() for _ in range(7)))
    assert most == 2
    assert gate.inside == 0 and gate.waiting == 0


async def test_waiting_turns_are_admitted_in_arrival_order() -> None:
    gate = TurnGate(capacity=1, hold_limit=5)
    admitted: list[int] = []
    release = asyncio.Event()

    async def turn(number: int) -> None:
        async with gate.admitted():
            admitted.append(number)
            await release.wait()

    tasks = []
    for number in range(5):
        tasks.append(asyncio.ensure_future(turn(number)))
        await _settle()
    assert admitted == [0] and gate.waiting == 4
    release.set()
    await asyncio.gather(*tasks)
    assert admitted == [0, 1, 2, 3, 4]


async def test_a_newcomer_does_not_pass_turns_already_waiting() -> None:
    gate = TurnGate(capacity=1, hold_limit=5)
    order: list[str] = []

    async def turn(name: str, seconds: float) -> None:
        async with gate.admitted():
            order.append(name)
            await asyncio.sleep(seconds)

    first = asyncio.ensure_future(turn("first", 0.05))
    await _settle()
    waiting = asyncio.ensure_future(turn("waiting", 0))
    await asyncio.sleep(0.1)  # `first` has left; `waiting` was handed its place
    late = asyncio.ensure_future(turn("late", 0))
    await asyncio.gather(first, waiting, late)
    assert order == ["first", "waiting", "late"]


async def test_a_stuck_turn_gives_up_its_place_after_the_hold_limit() -> None:
    gate = TurnGate(capacity=1, hold_limit=0.05)
    stuck_may_end = asyncio.Event()
    done: list[str] = []

    async def stuck() -> None:
        async with gate.admitted():
            await stuck_may_end.wait()
            done.append("stuck")

    async def quick() -> None:
        async with gate.admitted():
            done.append("quick")

    stuck_task = asyncio.ensure_future(stuck())
    await _settle()
    await asyncio.wait_for(quick(), 1)  # admitted although the stuck turn still runs
    assert done == ["quick"]
    stuck_may_end.set()
    await stuck_task
    # The stuck turn's own exit does not give its place up a second time.
    assert gate.inside == 0
    await asyncio.wait_for(quick(), 1)
    assert gate.inside == 0


@pytest.mark.parametrize("when", ["waiting", "just admitted"])
async def test_a_cancelled_turn_leaves_no_place_taken(when: str) -> None:
    gate = TurnGate(capacity=1, hold_limit=5)
    holder_may_leave = asyncio.Event()

    async def holder() -> None:
        async with gate.admitted():
            await holder_may_leave.wait()

    async def waiter() -> None:
        async with gate.admitted():
            await asyncio.sleep(5)

    holding = asyncio.ensure_future(holder())
    await _settle()
    waiting = asyncio.ensure_future(waiter())
    await _settle()
    if when == "just admitted":
        holder_may_leave.set()
        await holding  # hands its place to the waiter, which has not run yet
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    holder_may_leave.set()
    await holding
    assert gate.inside == 0 and gate.waiting == 0


def test_a_gate_needs_a_place_and_a_hold_limit() -> None:
    with pytest.raises(ValueError):
        TurnGate(capacity=0, hold_limit=1)
    with pytest.raises(ValueError):
        TurnGate(capacity=1, hold_limit=0)


async def test_gated_handle_message_runs_the_original_with_a_place() -> None:
    gate = TurnGate(capacity=1, hold_limit=5)
    seen: list[tuple[Any, int]] = []

    class Processor:
        async def handle_message(self, message: Any) -> list[str]:
            seen.append((message, gate.inside))
            return ["reply"]

    Processor.handle_message = gated(Processor.handle_message, gate)  # type: ignore[method-assign]
    assert await Processor().handle_message("hi") == ["reply"]
    assert seen == [("hi", 1)] and gate.inside == 0


async def test_the_slow_reply_of_a_turn_waiting_in_the_gate_is_recorded_after_it() -> None:
    """The gate wraps the processor, which Rasa's agent calls holding the conversation's lock:
    a turn waiting for a place has its lock ticket, and the guard's "taking longer" reply,
    which takes the next ticket, lands after the turn (a gate in front of the lock put it first)."""
    limits = GuardLimits(max_message_chars=50, reply_timeout_seconds=0.2)
    gate = TurnGate(capacity=1, hold_limit=5)
    agent = Agent(
        domain=Domain.empty(),
        tracker_store=InMemoryTrackerStore(Domain.empty()),
        lock_store=InMemoryLockStore(),
    )

    class Processor:  # what the turn does once admitted: Rasa's processor would run NLU etc.
        async def handle_message(self, incoming: UserMessage) -> None:
            await asyncio.sleep(0.05)
            tracker = await agent.tracker_store.get_or_create_tracker(incoming.sender_id)
            tracker.update(BotUttered(f"answer to {incoming.text}"))
            await agent.tracker_store.save(tracker)

    Processor.handle_message = gated(Processor.handle_message, gate)  # type: ignore[method-assign]
    agent.processor = Processor()  # type: ignore[assignment]
    apps = AppHolder()
    apps.app = type("App", (), {"ctx": type("Ctx", (), {"agent": agent})()})()  # type: ignore[assignment]
    other_conversation_holds_the_gate = asyncio.Event()

    async def hold_the_gate() -> None:
        async with gate.admitted():
            other_conversation_holds_the_gate.set()
            await asyncio.sleep(limits.reply_timeout_seconds * 2)

    holder = asyncio.ensure_future(hold_the_gate())
    await other_conversation_holds_the_gate.wait()
    collector = CollectingOutputChannel()
    queued = UserMessage("hi", collector, "gated")
    await run_guarded_turn(agent.handle_message, queued, limits, apps, client=None)
    assert [m["text"] for m in collector.messages] == [SLOW_REPLY]
    await holder
    texts: list[str] = []
    for _ in range(150):
        tracker = await agent.tracker_store.get_or_create_tracker("gated")
        texts = [event.text for event in tracker.events if isinstance(event, BotUttered)]
        if len(texts) == 2:
            break
        await asyncio.sleep(0.02)
    assert texts == ["answer to hi", SLOW_REPLY]
