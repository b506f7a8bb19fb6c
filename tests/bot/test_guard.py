"""The input guard on its own: screening, its limits, and the turn it runs around Rasa."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from bot.guard import (
    EMPTY_INTENT,
    PREVIEW_CHARS,
    SILENCE_REPLY,
    SLOW_REPLY,
    TOO_LONG_INTENT,
    AppHolder,
    GuardLimits,
    run_guarded_turn,
    screen,
)

LIMITS = GuardLimits(max_message_chars=50, reply_timeout_seconds=0.3)


def message(text: Any, metadata: dict[str, Any] | None = None) -> UserMessage:
    return UserMessage(text, CollectingOutputChannel(), "guard-test", metadata=metadata)


def test_a_normal_message_passes_with_its_control_characters_removed() -> None:
    incoming = message("where\x00 is my\x07\norder?")
    screen(incoming, LIMITS)
    assert incoming.text == "where is my\norder?"
    assert incoming.parse_data is None
    assert not (incoming.metadata or {}).get("kefu_guard")


def test_an_over_long_message_becomes_the_guard_intent_with_a_preview() -> None:
    incoming = message("x" * 500, metadata={"source": "widget"})
    screen(incoming, LIMITS)
    assert incoming.parse_data is not None
    assert incoming.parse_data["intent"] == {"name": TOO_LONG_INTENT, "confidence": 1.0}
    assert incoming.text == "x" * PREVIEW_CHARS + "…"
    assert incoming.metadata == {
        "source": "widget",
        "kefu_guard": {"reason": "too_long", "length": 500, "limit": 50},
    }


@pytest.mark.parametrize("blank", ["", "   ", "\x00\x01", None])
def test_an_empty_message_becomes_the_empty_intent(blank: Any) -> None:
    incoming = message(blank)
    screen(incoming, LIMITS)
    assert incoming.parse_data is not None
    assert incoming.parse_data["intent"]["name"] == EMPTY_INTENT


def test_limits_come_from_the_channel_credentials() -> None:
    limits = GuardLimits.from_credentials(
        {"max_message_chars": "1000", "reply_timeout_seconds": "2.8"}
    )
    assert limits == GuardLimits(1000, 2.8)


@pytest.mark.parametrize(
    ("credentials", "complaint"),
    [
        (None, "max_message_chars"),
        ({"max_message_chars": "10"}, "reply_timeout_seconds"),
        ({"max_message_chars": "many", "reply_timeout_seconds": "1"}, "limits"),
        ({"max_message_chars": "0", "reply_timeout_seconds": "1"}, "positive"),
        ({"max_message_chars": "10", "reply_timeout_seconds": "-1"}, "positive"),
    ],
)
def test_missing_or_bad_limits_stop_the_channel(
    credentials: dict[str, str] | None, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        GuardLimits.from_credentials(credentials)


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
    await run_guarded_turn(answers, incoming, LIMITS, _apps(agent))
    assert [m["text"] for m in collector.messages] == ["Hello!"]  # type: ignore[attr-defined]
    assert await _bot_texts(agent) == []


@pytest.mark.parametrize("failure", ["silent", "raises"])
async def test_a_silent_or_failing_turn_gets_the_fallback_reply_recorded(failure: str) -> None:
    async def broken(incoming: UserMessage) -> None:
        if failure == "raises":
            raise RuntimeError("the action server is down")

    incoming, agent = message("hi"), _Agent()
    collector = incoming.output_channel
    await run_guarded_turn(broken, incoming, LIMITS, _apps(agent))
    assert [m["text"] for m in collector.messages] == [SILENCE_REPLY]  # type: ignore[attr-defined]
    assert await _bot_texts(agent) == [SILENCE_REPLY]


async def test_a_slow_turn_gets_the_slow_reply_in_time() -> None:
    finished = asyncio.Event()

    async def slow(incoming: UserMessage) -> None:
        await asyncio.sleep(LIMITS.reply_timeout_seconds * 3)
        finished.set()

    incoming, agent = message("hi"), _Agent()
    collector = incoming.output_channel
    await asyncio.wait_for(run_guarded_turn(slow, incoming, LIMITS, _apps(agent)), 5)
    assert [m["text"] for m in collector.messages] == [SLOW_REPLY]  # type: ignore[attr-defined]
    await asyncio.wait_for(finished.wait(), 5)
    for _ in range(50):  # the reply is recorded once the turn lets go of the conversation
        if await _bot_texts(agent):
            break
        await asyncio.sleep(0.02)
    assert await _bot_texts(agent) == [SLOW_REPLY]
