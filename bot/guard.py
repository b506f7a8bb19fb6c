"""The guarded turn: every customer message is screened, and no turn ends in silence.

Rasa 3.6 has no input-length limit (a 100,000-character message runs DIET out of memory and
stalls every conversation) and answers a failed turn with HTTP 200 and `[]`. Around each turn:

- the message is screened first (`bot/screening.py`): what Rasa chokes on never reaches NLU;
- a turn that produces no reply (action server down, an exception) gets a fallback reply —
  unless the conversation is paused because an agent has taken it (the message is still
  logged; the person answers) — and
  one slower than the reply timeout a "taking longer" reply; either is written to the tracker
  store so the exchange log sees every message the customer saw. A slow turn still finishes:
  what it says afterwards reaches a socket.io client, but not a REST caller, who has had its
  answer, so the "taking longer" event lists those replies as undelivered (the exchange log
  marks them) and the actions that write are idempotent, so a retry repeats nothing.

The limits are the channels' settings in `credentials.yml`, where the launcher hands them over
from the one settings loader (`kefu/settings.py`): KEFU_MAX_MESSAGE_CHARS and
KEFU_REPLY_TIMEOUT_SECONDS. The channels themselves are in `bot/channels.py`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.shared.core.events import BotUttered
from sanic import Blueprint, Sanic

from bot.language import detect
from bot.screening import GUARD_KEY, LANGUAGE_SAMPLE_CHARS, GuardLimits, screen
from bot.speedups import close_kept_sessions

logger = logging.getLogger(__name__)

# The guard's own replies, in the language of the message they answer (bot/language.py); a
# message that shows no language gets the English one.
SILENCE_REPLIES = {
    "en": (
        "Sorry, something went wrong on our side and I couldn't finish that. Please try again "
        'in a moment, or type "human" to reach our team.'
    ),
    "de": (
        "Entschuldigung, bei uns ist etwas schiefgegangen und ich konnte das nicht abschließen. "
        'Bitte versuchen Sie es gleich noch einmal oder schreiben Sie "Mitarbeiter".'
    ),
    "zh": "抱歉，我们这边出了点问题，没能完成您的请求。请稍后再试，或者输入“人工”联系我们的团队。",
}
SLOW_REPLIES = {
    "en": (
        "Sorry, this is taking longer than it should. Please try again in a moment, or type "
        '"human" to reach our team.'
    ),
    "de": (
        "Entschuldigung, das dauert länger als es sollte. Bitte versuchen Sie es gleich noch "
        'einmal oder schreiben Sie "Mitarbeiter".'
    ),
    "zh": "抱歉，处理时间比预期长。请稍后再试，或者输入“人工”联系我们的团队。",
}
SILENCE_REPLY = SILENCE_REPLIES["en"]
SLOW_REPLY = SLOW_REPLIES["en"]


def _in_language_of(message: UserMessage, replies: dict[str, str]) -> str:
    text = message.text if isinstance(message.text, str) else ""
    return replies.get(detect(text[:LANGUAGE_SAMPLE_CHARS]) or "en", replies["en"])


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class _CountingOutput(OutputChannel):
    """Passes bot messages through to the real channel, counts them, and after the turn's
    timeout keeps the texts a REST caller can no longer receive."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0
        self.timed_out = False
        self.undelivered: list[str] = []
        # NLG picks channel-specific response variations by this name.
        self.name = inner.name  # type: ignore[method-assign]

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        if self.timed_out and isinstance(self.inner, CollectingOutputChannel):
            # The REST caller has had its answer: this reply reaches nobody.
            self.undelivered.append(str(message.get("text") or ""))
        await self.inner.send_response(recipient_id, message)


class AppHolder:
    """Remembers the Sanic app a channel's blueprint was registered on, to reach the agent."""

    def __init__(self) -> None:
        self.app: Sanic | None = None

    def attach(self, blueprint: Blueprint) -> Blueprint:
        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self.app = app

        @blueprint.listener("after_server_stop")
        async def close_connections(_app: Sanic, _loop: Any) -> None:
            # The action server's kept connections (bot/speedups.py).
            await close_kept_sessions()

        return blueprint

    @property
    def agent(self) -> Any:
        return getattr(self.app.ctx, "agent", None) if self.app is not None else None

    @property
    def known_intents(self) -> Collection[str] | None:
        """The intents of the loaded model's domain (None before a model is loaded)."""
        domain = getattr(self.agent, "domain", None)
        return set(domain.intents) if domain is not None else None


# Rasa drops a turn whose lock ticket expired while it queued (LockError, before anything ran):
# behind a dead server's ticket, or on a saturated server. The customer's message would be lost
# from the tracker and so from the exchange log; it queues again with a fresh ticket instead.
LOCK_ATTEMPTS = 4
# Guard replies being recorded behind a slow turn (a task needs a reference until it ends).
_BACKGROUND: set[asyncio.Future[None]] = set()


async def _despite_expired_tickets(step: Callable[[], Awaitable[Any]], sender_id: str) -> Any:
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            return await step()
        except LockError:
            if attempt == LOCK_ATTEMPTS:
                raise
            logger.warning("Lock ticket for %s expired while queued; queuing again.", sender_id)
    return None


async def _record_guard_reply(
    agent: Any, sender_id: str, text: str, guard: Callable[[], dict[str, Any]]
) -> None:
    """Append a reply the guard sent to the tracker, so the exchange log has it too.

    `guard` gives the event's metadata once the conversation's lock is held, that is once the
    turn before it has ended (a slow turn's undelivered replies are known only then).
    """
    if agent is None:
        return

    async def record() -> None:
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.tracker_store.get_or_create_tracker(sender_id)
            tracker.update(BotUttered(text, metadata={GUARD_KEY: guard()}))
            await agent.tracker_store.save(tracker)

    try:
        await _despite_expired_tickets(record, sender_id)
    except Exception:
        logger.exception(
            "Could not record the guard's reply for %s in the tracker store.", sender_id
        )


async def _paused(agent: Any, sender_id: str) -> bool:
    """Whether an agent has the conversation (Rasa's `pause` event): the bot is silent on
    purpose then, and the customer's message waits for the person, not for a fallback."""
    if agent is None:
        return False
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:
        logger.exception("Could not read the tracker of %s to see if it is paused.", sender_id)
        return False
    return tracker is not None and tracker.is_paused()


async def run_guarded_turn(
    on_new_message: OnNewMessage,
    message: UserMessage,
    limits: GuardLimits,
    apps: AppHolder,
    *,
    client: str | None,
) -> None:
    """Run one customer turn through Rasa with the guard's checks and fallbacks around it.

    `client` is the one-way key of who sent it as the channel read it from the request
    (`bot.screening.client_key`): it replaces whatever the message's metadata claimed.
    """
    screen(message, limits, apps.known_intents, client)
    slow_reply = _in_language_of(message, SLOW_REPLIES)
    output = _CountingOutput(message.output_channel)
    message.output_channel = output
    turn = asyncio.ensure_future(
        _despite_expired_tickets(lambda: on_new_message(message), message.sender_id)
    )
    try:
        await asyncio.wait_for(asyncio.shield(turn), limits.reply_timeout_seconds)
    except asyncio.TimeoutError:
        logger.warning("Turn for %s exceeded %ss.", message.sender_id, limits.reply_timeout_seconds)
        # The slow turn still holds the conversation lock. Take the next ticket before the
        # customer can answer the slow reply: the reply is then recorded right after the turn
        # ends and before the customer's next message, with what the turn said that the
        # customer will not see.
        recording = asyncio.ensure_future(
            _record_guard_reply(
                apps.agent,
                message.sender_id,
                slow_reply,
                lambda: {"reason": "slow", "undelivered": list(output.undelivered)},
            )
        )
        _BACKGROUND.add(recording)
        recording.add_done_callback(_BACKGROUND.discard)
        await asyncio.sleep(0)  # the recording takes its ticket now
        await output.send_response(message.sender_id, {"text": slow_reply})
        output.timed_out = True
        return
    except Exception:
        logger.exception("Turn for %s failed.", message.sender_id)
    if output.sent == 0 and not await _paused(apps.agent, message.sender_id):
        silence_reply = _in_language_of(message, SILENCE_REPLIES)
        await output.send_response(message.sender_id, {"text": silence_reply})
        await _record_guard_reply(
            apps.agent, message.sender_id, silence_reply, lambda: {"reason": "silence"}
        )
