"""Facebook Messenger behind the input guard, without blocking the Rasa server.

Rasa's Messenger connector is kept for what it does well (reading messages, quick replies and
postbacks, sending text, buttons and templates through `fbmessenger`), and three things change:

- `fbmessenger` sends with blocking `requests` calls, straight from Rasa's event loop: every
  Graph API round trip (three sender actions and each reply) held every other conversation.
  Here each runs in a worker thread, bounded in time;
- the webhook checks Meta's signature in constant time, `X-Hub-Signature-256` first (the
  SHA-1 header is legacy), and refuses an unsigned call with 401 and a malformed one with 400
  (Rasa's answers 200 "not validated", and a body without `entry` raised a 500);
- every message runs through `run_guarded_turn` under `facebook-<page-scoped id>`, message
  echoes of the Page's own replies are ignored, and a redelivered message (same `mid`) runs once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Coroutine
from typing import Any

from fbmessenger import MessengerClient
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.facebook import FacebookInput, MessengerBot
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.guard import AppHolder, OnNewMessage, run_guarded_turn
from bot.messaging import Recent, error, limits_and, platform_client, platform_id, prefixed
from bot.screening import GuardLimits, client_key

logger = logging.getLogger(__name__)

GRAPH_API = "https://graph.facebook.com"
# Page-scoped ids are 16-17 digits today; Rasa's tracker store keeps sender ids up to 255.
MAX_PSID_DIGITS = 64
# fbmessenger's calls have no timeout of their own: a turn waits at most this long for one.
SEND_TIMEOUT_SECONDS = 10.0


def _run(step: Coroutine[Any, Any, None]) -> None:
    asyncio.run(step)


class ThreadedMessengerBot(MessengerBot):
    """Rasa's Messenger output, each Graph API call in a worker thread.

    Rasa's methods are coroutines that call the blocking client without awaiting anything, so
    each is run to its end on a small loop of its own in the thread.
    """

    async def _in_thread(self, step: Coroutine[Any, Any, None]) -> None:
        await asyncio.wait_for(asyncio.to_thread(_run, step), SEND_TIMEOUT_SECONDS)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        # Rasa's API addresses a conversation by its id; Meta wants the page-scoped id.
        psid = platform_id("facebook", recipient_id)
        await self._in_thread(MessengerBot.send_response(self, psid, message))

    async def send_action(self, recipient_id: str, sender_action: str) -> None:
        psid = platform_id("facebook", recipient_id)
        try:
            await self._in_thread(MessengerBot.send_action(self, psid, sender_action))
        except Exception as failure:  # typing indicators are a courtesy, never a failed turn
            logger.warning("Messenger sender action %s failed: %r", sender_action, failure)


def signed(secret: str, body: bytes, headers: Any) -> bool:
    """Whether Meta signed `body` with the app secret (SHA-256 header, else the SHA-1 one)."""
    for header, digest in (
        ("X-Hub-Signature-256", hashlib.sha256),
        ("X-Hub-Signature", hashlib.sha1),
    ):
        given = headers.get(header)
        if given:
            expected = digest().name + "=" + hmac.new(secret.encode(), body, digest).hexdigest()
            return hmac.compare_digest(given.encode(), expected.encode())
    return False


class MalformedEvent(ValueError):
    """A webhook body that is not Messenger's: 400, nothing runs."""


def customer_messages(payload: Any) -> list[tuple[str, str, str | None]]:
    """(sender's page-scoped id, text, message id) of each customer message in a webhook call.

    Quick replies and postbacks give their payload; attachments empty text (the guard answers
    them as an empty message); echoes of the Page's own messages and delivery or read receipts
    are left out.
    """
    entries = payload.get("entry") if isinstance(payload, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise MalformedEvent("A Messenger event is an object with a list of entries.")
    found = []
    for entry in entries:
        events = entry.get("messaging", [])
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise MalformedEvent("An entry's messaging must be a list of objects.")
        for event in events:
            sender = event.get("sender")
            sender = sender.get("id") if isinstance(sender, dict) else None
            # Page-scoped ids are decimal numbers; anything else never names a conversation.
            if not (isinstance(sender, str) and sender.isascii() and sender.isdigit()):
                raise MalformedEvent("Every messaging event needs a numeric sender id.")
            if len(sender) > MAX_PSID_DIGITS:
                raise MalformedEvent("The sender id is too long.")
            message, postback = event.get("message"), event.get("postback")
            if isinstance(message, dict) and not message.get("is_echo"):
                reply = message.get("quick_reply")
                text = reply.get("payload") if isinstance(reply, dict) else message.get("text")
                mid = message.get("mid")
                found.append(
                    (
                        sender,
                        text if isinstance(text, str) else "",
                        mid if isinstance(mid, str) else None,
                    )
                )
            elif isinstance(postback, dict):
                text = postback.get("payload")
                found.append((sender, text if isinstance(text, str) else "", None))
    return found


class GuardedFacebookInput(FacebookInput):
    """Rasa's Messenger channel behind the guard, its sends off the event loop."""

    limits: GuardLimits
    graph_url: str = GRAPH_API

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedFacebookInput:
        limits = limits_and(credentials, "verify", "secret", "page-access-token")
        channel = super().from_credentials(credentials)
        assert isinstance(channel, GuardedFacebookInput)
        channel.limits = limits
        channel.graph_url = str((credentials or {}).get("api_url") or GRAPH_API).rstrip("/")
        return channel

    def get_output_channel(self) -> ThreadedMessengerBot:
        """The Page's output (Rasa's API asks for it to reach a conversation too)."""
        client = MessengerClient(self.fb_access_token)
        # fbmessenger pins its Graph API version into the URL; only the host may change.
        client.graph_url = f"{self.graph_url}/v{client.api_version}"
        return ThreadedMessengerBot(client)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("kefu_guarded_facebook", __name__)
        apps, recent = AppHolder(), Recent()

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            # Meta's one-time check of the callback URL: echo the challenge for our token.
            token = str(request.args.get("hub.verify_token") or "")
            if hmac.compare_digest(token.encode(), str(self.fb_verify).encode()):
                return response.text(str(request.args.get("hub.challenge") or ""))
            return error(403, "forbidden", "Wrong verify token.")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not signed(self.fb_secret, request.body, request.headers):
                logger.info("Messenger webhook call without a valid signature refused")
                return error(401, "unauthorized", "Not signed with the app secret.")
            try:
                messages = customer_messages(json.loads(request.body))
            except ValueError as failure:
                return error(400, "malformed_event", str(failure))
            for sender, text, mid in messages:
                if mid is None or recent.first_time(mid):
                    await self._turn(on_new_message, apps, sender, text)
            return response.json({"status": "ok"})

        @webhook.listener("before_server_start")
        async def remember(app: Sanic, _loop: Any) -> None:
            apps.app = app

        return webhook

    async def _turn(
        self, on_new_message: OnNewMessage, apps: AppHolder, sender: str, text: str
    ) -> None:
        output = self.get_output_channel()
        await output.send_action(sender, "mark_seen")
        await output.send_action(sender, "typing_on")
        message = UserMessage(
            text,
            output,
            prefixed(self.name(), sender),
            input_channel=self.name(),
        )
        # Counted per Messenger user (the caller's address is Meta's server).
        client = client_key(platform_client(self.name(), sender))
        try:
            await run_guarded_turn(on_new_message, message, self.limits, apps, client=client)
        finally:
            await output.send_action(sender, "typing_off")
