"""The guarded turn: answers pass through; silent, failing and slow turns get a fallback."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore, LockError
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, ConversationPaused

from bot.guard import (
    LOCK_ATTEMPTS,
    SILENCE_REPLIES,
    SILENCE_REPLY,
    SLOW_REPLIES,
    SLOW_REPLY,
    AppHolder,
    OnNewMessage,
    run_guarded_turn,
)
from bot.screening import GuardLimits

LIMITS = GuardLimits(max_message_chars=50, reply_timeout_seconds=0.3)


def message(text: Any, metadata: dict[str, Any] | None = None) -> UserMessage:
    return UserMessage(text, CollectingOutputChannel(), "guard-test", metadata=metadata)


class _Agent:
    """What the guard reaches of Rasa's agent: its lock store and tracker store."""

    def __init__(self) -> None:
        self.lock_store = InMemoryLockStore()
        self.tracker_store = InMemoryTrackerStore(Domain.empty())


def _apps(agent: _Agent) -> AppHolder:
    apps = AppHolder()
    apps.app = type("App", (), {"ctx": type("Ctx", (), {"agent": agent})()})()  # type: ignore[assignment]
    return apps


async def _bot_texts(agent: _Agent) -> list[str]:
    tracker = await agent.tracker_store.get_or_create_tracker("guard-test")
    return [event.text for event in tracker.events if event.type_name == "bot"]


async def test_a_turn_that_answers_is_passed_through() -> None:
    async def answers(incoming: UserMessage) -> None:
        await incoming.output_channel.send_response(incoming.sender_id, {"text": "Hello!"})

    incoming, agent = message("hi"), _Agent()
    collector = incoming.output_channel
    await run_guarded_turn(answers, incoming, LIMITS, _apps(agent), client=None)
    assert [m["text"] for m in collector.messages] == ["Hello!"]  # type: ignore[attr-defined]
    assert await _bot_texts(agent) == []


@pytest.mark.parametrize("failure", ["silent", "raises"])
async def test_a_silent_or_failing_turn_gets_the_fallback_reply_recorded(failure: str) -> None:
    async def broken(incoming: UserMessage) -> None:
        if failure == "raises":
            raise RuntimeError("the action server is down")

    incoming, agent = message("hi"), _Agent()
    collector = incoming.output_channel
    await run_guarded_turn(broken, incoming, LIMITS, _apps(agent), client=None)
    assert [m["text"] for m in collector.messages] == [SILENCE_REPLY]  # type: ignore[attr-defined]
    assert await _bot_texts(agent) == [SILENCE_REPLY]


@pytest.mark.parametrize(
    ("text", "language"), [("Hallo, wo ist mein Paket?", "de"), ("你好", "zh")]
)
async def test_the_fallback_reply_is_in_the_language_of_the_message(
    text: str, language: str
) -> None:
    async def silent(incoming: UserMessage) -> None:
        return None

    incoming, agent = message(text), _Agent()
    collector = incoming.output_channel
    await run_guarded_turn(silent, incoming, LIMITS, _apps(agent), client=None)
    expected = SILENCE_REPLIES[language]
    assert [m["text"] for m in collector.messages] == [expected]  # type: ignore[attr-defined]
    assert await _bot_texts(agent) == [expected]
    assert set(SLOW_REPLIES) == set(SILENCE_REPLIES) == {"en", "de", "zh"}


async def test_a_slow_turn_gets_the_slow_reply_in_time() -> None:
    finished = asyncio.Event()

    async def slow(incoming: UserMessage) -> None:
        await asyncio.sleep(LIMITS.reply_timeout_seconds * 3)
        finished.set()

    incoming, agent = message("hi"), _Agent()
    collector = incoming.output_channel
    await asyncio.wait_for(run_guarded_turn(slow, incoming, LIMITS, _apps(agent), client=None), 5)
    assert [m["text"] for m in collector.messages] == [SLOW_REPLY]  # type: ignore[attr-defined]
    await asyncio.wait_for(finished.wait(), 5)
    for _ in range(50):  # the reply is recorded once the turn lets go of the conversation
        if await _bot_texts(agent):
            break
        await asyncio.sleep(0.02)
    assert await _bot_texts(agent) == [SLOW_REPLY]


async def test_a_turn_whose_lock_ticket_expired_queues_again() -> None:
    """Rasa raises LockError before running a turn whose ticket expired while it waited (the
    conversation was behind a dead server's ticket): the message must still be handled."""
    attempts: list[int] = []

    async def behind_a_dead_ticket(incoming: UserMessage) -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise LockError("Could not acquire lock for conversation_id 'guard-test'.")
        await incoming.output_channel.send_response(incoming.sender_id, {"text": "Hello!"})

    incoming, agent = message("hi"), _Agent()
    collector = incoming.output_channel
    await run_guarded_turn(behind_a_dead_ticket, incoming, LIMITS, _apps(agent), client=None)
    assert len(attempts) == 3
    assert [m["text"] for m in collector.messages] == ["Hello!"]  # type: ignore[attr-defined]


async def test_a_lock_that_never_comes_ends_in_the_fallback_reply() -> None:
    attempts: list[int] = []

    async def never(incoming: UserMessage) -> None:
        attempts.append(1)
        raise LockError("Could not acquire lock for conversation_id 'guard-test'.")

    incoming, agent = message("hi"), _Agent()
    collector = incoming.output_channel
    await run_guarded_turn(never, incoming, LIMITS, _apps(agent), client=None)
    assert len(attempts) == LOCK_ATTEMPTS
    assert [m["text"] for m in collector.messages] == [SILENCE_REPLY]  # type: ignore[attr-defined]


async def test_the_slow_reply_is_recorded_before_the_customers_next_message() -> None:
    """The customer answers the slow reply while the slow turn still runs; the log must read
    turn, slow reply, next message (the guard queues its record before the customer can write)."""
    agent = _Agent()

    async def turn_saying(text: str, seconds: float) -> OnNewMessage:
        async def turn(incoming: UserMessage) -> None:
            async with agent.lock_store.lock(incoming.sender_id):
                await asyncio.sleep(seconds)
                tracker = await agent.tracker_store.get_or_create_tracker(incoming.sender_id)
                tracker.update(BotUttered(text))
                await agent.tracker_store.save(tracker)
                await incoming.output_channel.send_response(incoming.sender_id, {"text": text})

        return turn

    slow = await turn_saying("the slow answer", LIMITS.reply_timeout_seconds * 3)
    await run_guarded_turn(slow, message("hi"), LIMITS, _apps(agent), client=None)
    quick = await turn_saying("the next answer", 0)
    await run_guarded_turn(quick, message("and now?"), LIMITS, _apps(agent), client=None)
    for _ in range(100):
        if len(await _bot_texts(agent)) == 3:
            break
        await asyncio.sleep(0.02)
    assert await _bot_texts(agent) == ["the slow answer", SLOW_REPLY, "the next answer"]


async def test_a_paused_conversation_gets_no_fallback_reply() -> None:
    """An agent has taken it: Rasa logs the message and predicts nothing, on purpose."""

    async def paused_turn(incoming: UserMessage) -> None:
        tracker = await agent.tracker_store.get_or_create_tracker(incoming.sender_id)
        tracker.update(ConversationPaused())
        await agent.tracker_store.save(tracker)

    incoming, agent = message("are you there?"), _Agent()
    collector = incoming.output_channel
    await run_guarded_turn(paused_turn, incoming, LIMITS, _apps(agent), client=None)
    assert collector.messages == []  # type: ignore[attr-defined]
    assert await _bot_texts(agent) == []


@pytest.mark.parametrize("text", ["where is my order?", "x" * 500])
async def test_the_channels_client_reaches_the_turn_and_a_forged_one_does_not(text: str) -> None:
    """The identification limit per client reads `kefu_client` from the message: the channel's
    key (from the request) replaces whatever the client put into the metadata, for a message
    NLU sees and for one the guard refuses alike."""
    seen: list[dict[str, Any]] = []

    async def answers(incoming: UserMessage) -> None:
        seen.append(dict(incoming.metadata or {}))
        await incoming.output_channel.send_response(incoming.sender_id, {"text": "ok"})

    forged = {"kefu_client": "someone-elses-key", "language": "de"}
    await run_guarded_turn(
        answers, message(text, forged), LIMITS, _apps(_Agent()), client="from-the-request"
    )
    await run_guarded_turn(answers, message(text, forged), LIMITS, _apps(_Agent()), client=None)
    assert seen[0]["kefu_client"] == "from-the-request" and seen[0]["language"] == "de"
    assert "kefu_client" not in seen[1]
