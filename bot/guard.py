"""Input guard on Rasa's chat channels: what Rasa chokes on never reaches NLU; no turn is silent.

Rasa 3.6 has no input-length limit (a 100,000-character message runs DIET out of memory and
stalls every conversation), turns a missing sender into the shared "default" conversation, and
answers a failed turn with HTTP 200 and `[]`. These channels sit where Rasa's `rest` and
`socketio` channels sit, under the same names and URLs, and fix those three things:

- an over-long or empty message is replaced by a guard intent (`message_too_long`,
  `empty_message`) with the parse data already set, so NLU never runs on it and the bot answers
  with a clear reply; the event keeps a short preview and the original length in its metadata;
- a REST request without a usable sender or text gets HTTP 400 with a JSON error;
- a turn that produces no reply (action server down, an exception) or takes longer than the
  reply timeout gets a fallback reply, which is also written to the tracker store so the
  exchange log sees every message the customer saw.

The limits are the channels' settings in `credentials.yml`, where the launcher hands them over
from the one settings loader (`kefu/settings.py`): KEFU_MAX_MESSAGE_CHARS and
KEFU_REPLY_TIMEOUT_SECONDS. The channels themselves are in `bot/channels.py`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered
from sanic import Blueprint, Sanic

logger = logging.getLogger(__name__)

# Rasa's SQL tracker store keeps sender ids in a String(255) column.
MAX_SENDER_CHARS = 255
PREVIEW_CHARS = 200

TOO_LONG_INTENT = "message_too_long"
EMPTY_INTENT = "empty_message"
SILENCE_REPLY = (
    "Sorry, something went wrong on our side and I couldn't finish that. Please try again in a "
    'moment, or type "human" to reach our team.'
)
SLOW_REPLY = (
    "Sorry, this is taking longer than it should. Please try again in a moment, or type "
    '"human" to reach our team.'
)

# C0 control characters other than tab, newline and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@dataclass(frozen=True)
class GuardLimits:
    """The guard's limits, as the channel's entry in credentials.yml gives them."""

    max_message_chars: int
    reply_timeout_seconds: float

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any] | None) -> GuardLimits:
        """Read and check the limits; a missing or bad one stops the Rasa server at start-up."""
        given = dict(credentials or {})
        try:
            limits = cls(
                max_message_chars=int(given["max_message_chars"]),
                reply_timeout_seconds=float(given["reply_timeout_seconds"]),
            )
        except KeyError as missing:
            raise ValueError(
                f"The guarded channel needs {missing.args[0]} in credentials.yml "
                "(the launcher sets it from KEFU_* settings)."
            ) from None
        except (TypeError, ValueError) as error:
            raise ValueError(f"The guarded channel's limits in credentials.yml: {error}") from None
        if limits.max_message_chars < 1 or not limits.reply_timeout_seconds > 0:
            raise ValueError("The guarded channel's limits must be positive.")
        return limits


def screen(message: UserMessage, limits: GuardLimits) -> None:
    """Clean the message's text; turn an over-long or empty one into a guard intent, in place."""
    original = message.text if isinstance(message.text, str) else ""
    text = CONTROL_CHARACTERS.sub("", original)
    if len(text) > limits.max_message_chars:
        intent, reason = TOO_LONG_INTENT, "too_long"
    elif not text.strip():
        intent, reason = EMPTY_INTENT, "empty"
    else:
        message.text = text
        return
    preview = text[:PREVIEW_CHARS] + ("…" if len(text) > PREVIEW_CHARS else "")
    message.text = preview
    message.parse_data = {
        "text": preview,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": [],
    }
    message.metadata = {
        **(message.metadata or {}),
        "kefu_guard": {
            "reason": reason,
            "length": len(original),
            "limit": limits.max_message_chars,
        },
    }


class _CountingOutput(OutputChannel):
    """Passes bot messages through to the real channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0
        # NLG picks channel-specific response variations by this name.
        self.name = inner.name  # type: ignore[method-assign]

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


class AppHolder:
    """Remembers the Sanic app a channel's blueprint was registered on, to reach the agent."""

    def __init__(self) -> None:
        self.app: Sanic | None = None

    def attach(self, blueprint: Blueprint) -> Blueprint:
        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self.app = app

        return blueprint

    @property
    def agent(self) -> Any:
        return getattr(self.app.ctx, "agent", None) if self.app is not None else None


async def _record_guard_reply(agent: Any, sender_id: str, text: str, reason: str) -> None:
    """Append a reply the guard sent to the tracker, so the exchange log has it too."""
    if agent is None:
        return
    try:
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.tracker_store.get_or_create_tracker(sender_id)
            tracker.update(BotUttered(text, metadata={"kefu_guard": {"reason": reason}}))
            await agent.tracker_store.save(tracker)
    except Exception:
        logger.exception(
            "Could not record the guard's reply for %s in the tracker store.", sender_id
        )


async def run_guarded_turn(
    on_new_message: OnNewMessage, message: UserMessage, limits: GuardLimits, apps: AppHolder
) -> None:
    """Run one customer turn through Rasa with the guard's checks and fallbacks around it."""
    screen(message, limits)
    output = _CountingOutput(message.output_channel)
    message.output_channel = output
    turn = asyncio.ensure_future(on_new_message(message))
    try:
        await asyncio.wait_for(asyncio.shield(turn), limits.reply_timeout_seconds)
    except asyncio.TimeoutError:
        logger.warning("Turn for %s exceeded %ss.", message.sender_id, limits.reply_timeout_seconds)
        await output.send_response(message.sender_id, {"text": SLOW_REPLY})
        agent = apps.agent
        # The turn still holds the conversation lock; record the reply once it lets go.
        turn.add_done_callback(
            lambda _: asyncio.ensure_future(
                _record_guard_reply(agent, message.sender_id, SLOW_REPLY, "slow")
            )
        )
        return
    except Exception:
        logger.exception("Turn for %s failed.", message.sender_id)
    if output.sent == 0:
        await output.send_response(message.sender_id, {"text": SILENCE_REPLY})
        await _record_guard_reply(apps.agent, message.sender_id, SILENCE_REPLY, "silence")
