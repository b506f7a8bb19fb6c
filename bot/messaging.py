"""Telegram and Slack behind the input guard (`bot/guard.py`), and what every messaging channel
shares (Messenger, which needs more of its own, is in `bot/messenger.py`).

Each subclasses Rasa's connector and keeps its name and URL (`/webhooks/<name>/webhook`), so
the exchange log records the channel as `telegram`, `slack` or `facebook`. What Kefu adds:

- every message runs through `run_guarded_turn`, with the same limits as the web channels
  (`max_message_chars`, `reply_timeout_seconds` in the channel's credentials.yml entry);
- sender ids carry the platform (`telegram-<chat id>`, `slack-<user>`, `facebook-<psid>`):
  a Telegram chat id and a Messenger user id are both plain numbers and must never name the
  same conversation, or one customer would see another's verified session; the output
  channels take the prefix off again before calling the platform;
- Telegram: the webhook wants the secret Telegram echoes in `X-Telegram-Bot-Api-Secret-Token`
  (registered with `setWebhook` when the server starts) and refuses anything else before
  parsing it. Rasa's own connector asks Telegram's `getMe` on every update instead and trusts
  any caller; it also registers the webhook with `asyncio.run` whenever its output channel is
  asked for (which fails inside the running server, where Rasa's API asks for it to reach a
  conversation) and cannot be pointed at another Bot API server, as the tests' fake needs.
  Only private chats are served (a group would see a customer's order details); edits, channel
  posts and other update kinds are acknowledged and ignored, and a retried update runs once;
- Slack keeps Rasa's own handling and its signing-secret check (with a five-minute replay
  window) and gains the guard and the prefixed ids.

Which of them runs is the launcher's choice: it writes their entries into the credentials file
only when their KEFU_* variables are set (`kefu/messaging.py`, docs/channels.md).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections import OrderedDict
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from aiohttp import ClientError
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackInput
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.guard import AppHolder, OnNewMessage, run_guarded_turn
from bot.screening import GuardLimits, client_key

logger = logging.getLogger(__name__)

TELEGRAM_PRODUCTION_API = "https://api.telegram.org"
SLACK_PRODUCTION_API = "https://slack.com/api/"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as the webhook's secret token.
_SECRET_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# Only these reach the webhook (setWebhook's allowed_updates): what a customer types or taps.
ALLOWED_UPDATES = ["message", "callback_query"]
# Telegram and Meta redeliver what they got no 2xx for; the last ones seen run only once.
REMEMBERED_DELIVERIES = 1024
# A Bot API call that hangs must not hold a customer's turn for long.
TELEGRAM_TIMEOUT_SECONDS = 10.0


def prefixed(channel: str, sender: Any) -> str:
    """The conversation id of `sender` on `channel`: the platform's id, with the platform."""
    return f"{channel}-{sender}"


def platform_id(channel: str, recipient_id: str) -> str:
    """The platform's own id back from a conversation id (unchanged when it has no prefix)."""
    return recipient_id.removeprefix(f"{channel}-")


def platform_client(channel: str, user: Any) -> str:
    """Who a messaging customer is counted as (identification attempts per client): the
    platform's user, with the platform, never the address of the platform's webhook call."""
    return f"{channel}:{user}"


def limits_and(credentials: dict[str, Any] | None, *keys: str) -> GuardLimits:
    """The guard's limits, once the channel's own required `keys` are there too."""
    given = credentials or {}
    for key in keys:
        if not str(given.get(key) or "").strip():
            raise ValueError(
                f"The guarded channel needs {key} in credentials.yml "
                "(the launcher sets it from KEFU_* settings; see docs/channels.md)."
            )
    return GuardLimits.from_credentials(credentials)


class Recent:
    """The last deliveries seen: platforms redeliver what they got no 2xx for, and a customer's
    message must run once (per Rasa server; a redelivery to another instance runs again)."""

    def __init__(self, size: int = REMEMBERED_DELIVERIES) -> None:
        self.size = size
        self.seen: OrderedDict[Any, None] = OrderedDict()

    def first_time(self, key: Any) -> bool:
        if key in self.seen:
            return False
        self.seen[key] = None
        if len(self.seen) > self.size:
            self.seen.popitem(last=False)
        return True


class _PlatformIds(OutputChannel):
    """Sends through the platform's output channel with the platform's own recipient id."""

    def __init__(self, channel: str, inner: OutputChannel) -> None:
        self.channel = channel
        self.inner = inner
        # NLG picks channel-specific response variations by this name.
        self.name = inner.name  # type: ignore[method-assign]

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self.inner.send_response(platform_id(self.channel, recipient_id), message)


def _guarded(
    channel: InputChannel, limits: GuardLimits, apps: AppHolder, on_new_message: OnNewMessage
) -> OnNewMessage:
    """`on_new_message` for a Rasa connector's own blueprint: prefixed ids and the guard."""

    async def guarded(message: UserMessage) -> None:
        name = channel.name()
        platform_sender = message.sender_id
        message.sender_id = prefixed(name, platform_sender)
        message.output_channel = _PlatformIds(name, message.output_channel)
        # Counted per platform user (the caller's address is the platform's server).
        client = client_key(platform_client(name, platform_sender))
        await run_guarded_turn(on_new_message, message, limits, apps, client=client)

    return guarded


class KefuTelegramOutput(TelegramOutput):
    """Rasa's Telegram output on a chosen Bot API server, addressed by conversation id."""

    def __init__(self, access_token: str, api_url: str = TELEGRAM_PRODUCTION_API) -> None:
        # TelegramOutput's own __init__ cannot pass the server on to aiogram's Bot.
        Bot.__init__(
            self,
            access_token,
            server=TelegramAPIServer.from_base(api_url),
            timeout=TELEGRAM_TIMEOUT_SECONDS,
        )

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await super().send_response(platform_id("telegram", recipient_id), message)


class TelegramUpdateError(ValueError):
    """An update that is not one: the webhook answers 400 and runs nothing."""


def telegram_message(update: Any) -> tuple[int, int | None, str, str | None] | None:
    """(chat id, sender's user id, text, callback query id) of a customer's update.

    None for an update that is well-formed but not for the bot to answer (an edit, a group or
    channel message, a member change); TelegramUpdateError for one that is not an update.
    A message without text (a photo, a sticker) comes back with empty text: the guard answers
    it as an empty message rather than leaving the customer in silence.
    """
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        raise TelegramUpdateError("An update is a JSON object with an integer update_id.")
    callback_id = None
    if "callback_query" in update:
        query = update["callback_query"]
        if not isinstance(query, dict):
            raise TelegramUpdateError("callback_query must be an object.")
        message, text, callback_id = query.get("message"), query.get("data"), query.get("id")
        sender = query.get("from")
        if message is None:
            return None  # a button of an inline-mode message: no chat to answer in
    elif "message" in update:
        message = update["message"]
        if not isinstance(message, dict):
            raise TelegramUpdateError("message must be an object.")
        text, sender = message.get("text"), message.get("from")
    else:
        return None
    if not isinstance(message, dict):
        raise TelegramUpdateError("message must be an object.")
    chat = message.get("chat")
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
        raise TelegramUpdateError("A message needs a chat with an integer id.")
    if chat.get("type") != "private":
        return None
    if text is not None and not isinstance(text, str):
        raise TelegramUpdateError("text must be a string.")
    user = sender.get("id") if isinstance(sender, dict) else None
    return (
        chat["id"],
        user if isinstance(user, int) else None,
        _customer_text(text or ""),
        callback_id if isinstance(callback_id, str) else None,
    )


def _customer_text(text: str) -> str:
    """Telegram's start command (sent when someone opens the bot) greets; other text as is."""
    command = text.strip().split("@", 1)[0]
    return "/greet" if command == "/start" else text


class GuardedTelegramInput(TelegramInput):
    """Rasa's Telegram channel behind the guard and Telegram's webhook secret."""

    def __init__(
        self,
        access_token: str,
        webhook_url: str,
        webhook_secret: str,
        limits: GuardLimits,
        api_url: str = TELEGRAM_PRODUCTION_API,
    ) -> None:
        super().__init__(access_token, None, webhook_url, debug_mode=False)
        if not (1 <= len(webhook_secret) <= 256 and set(webhook_secret) <= _SECRET_ALPHABET):
            raise ValueError(
                "The Telegram webhook_secret must be 1-256 characters A-Z, a-z, 0-9, _ or -."
            )
        self.webhook_secret = webhook_secret
        self.expected_secret = webhook_secret.encode()
        self.limits = limits
        self.api_url = api_url
        self.apps = AppHolder()
        self.recent_updates = Recent()
        self._output: KefuTelegramOutput | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedTelegramInput:
        limits = limits_and(credentials, "access_token", "webhook_url", "webhook_secret")
        given = credentials or {}
        return cls(
            str(given["access_token"]),
            str(given["webhook_url"]),
            str(given["webhook_secret"]),
            limits,
            str(given.get("api_url") or TELEGRAM_PRODUCTION_API),
        )

    def get_output_channel(self) -> KefuTelegramOutput:
        """The channel's one Bot client (Rasa's API asks for it to reach a conversation too)."""
        if self._output is None:
            self._output = KefuTelegramOutput(self.access_token, self.api_url)
        return self._output

    async def register_webhook(self) -> bool:
        """Tell Telegram where to send updates, and the secret to send with them."""
        bot = self.get_output_channel()
        try:
            await bot.request(
                "setWebhook",
                {
                    "url": self.webhook_url,
                    "secret_token": self.webhook_secret,
                    "allowed_updates": json.dumps(ALLOWED_UPDATES),
                },
            )
        except (TelegramAPIError, ClientError, OSError) as error:
            # The other channels still serve; the log says what to fix.
            logger.error(
                "Telegram did not accept the webhook %s: %s. Check KEFU_TELEGRAM_TOKEN and that "
                "the URL is reachable over HTTPS.",
                self.webhook_url,
                error,
            )
            return False
        logger.info("Telegram webhook registered: %s", self.webhook_url)
        return True

    def _message(self, request: Request) -> UserMessage | HTTPResponse | None:
        """The customer message in a webhook call, the 4xx it deserves, or None to ignore it."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.expected_secret):
            logger.info("Telegram webhook call without the secret token refused")
            return error(401, "unauthorized", "Not a call from Telegram.")
        try:
            update = json.loads(request.body)
        except ValueError:
            return error(400, "malformed_json", "The request body is not valid JSON.")
        try:
            found = telegram_message(update)
        except TelegramUpdateError as problem:
            return error(400, "malformed_update", str(problem))
        if found is None or not self.recent_updates.first_time(update["update_id"]):
            return None
        chat_id, user_id, text, callback_id = found
        metadata: dict[str, Any] = {
            "telegram_user": user_id if user_id is not None else chat_id,
        }
        if callback_id is not None:
            metadata["telegram_callback_query"] = callback_id
        return UserMessage(
            text,
            self.get_output_channel(),
            prefixed(self.name(), chat_id),
            input_channel=self.name(),
            metadata=metadata,
        )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("kefu_guarded_telegram", __name__)

        @webhook.listener("after_server_start")
        async def register(_app: Sanic, _loop: Any) -> None:
            await self.register_webhook()

        @webhook.listener("after_server_stop")
        async def close(_app: Sanic, _loop: Any) -> None:
            if self._output is not None:
                # The HTTP session only: aiogram's Bot.close is deprecated, as v3 makes it
                # Telegram's `close` method (which logs the bot out of the API server).
                await self._output.session.close()

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            message = self._message(request)
            if isinstance(message, HTTPResponse):
                return message
            if message is None:
                return response.json({"status": "ignored"})
            callback_id = (message.metadata or {}).get("telegram_callback_query")
            if callback_id:
                await self._answer_button(callback_id)
            user = (message.metadata or {}).get("telegram_user")
            client = client_key(platform_client(self.name(), user))
            await run_guarded_turn(on_new_message, message, self.limits, self.apps, client=client)
            return response.json({"status": "ok"})

        return self.apps.attach(webhook)

    async def _answer_button(self, callback_id: str) -> None:
        """Stop the tapped button's spinner (best effort: the reply itself matters more)."""
        try:
            await self.get_output_channel().answer_callback_query(callback_id)
        except (TelegramAPIError, ClientError, OSError) as error:
            logger.warning("answerCallbackQuery failed: %s", error)


def error(status: int, kind: str, message: str) -> HTTPResponse:
    return response.json({"error": kind, "message": message}, status=status)


class GuardedSlackInput(SlackInput):
    """Rasa's Slack channel (its signing-secret check kept) behind the guard."""

    limits: GuardLimits
    # Slack's Web API; another only for a proxy or the tests' fake.
    api_url: str = SLACK_PRODUCTION_API

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedSlackInput:
        limits = limits_and(credentials, "slack_token", "slack_signing_secret")
        channel = super().from_credentials(credentials)
        assert isinstance(channel, GuardedSlackInput)
        channel.limits = limits
        channel.api_url = str((credentials or {}).get("api_url") or SLACK_PRODUCTION_API)
        return channel

    def get_output_channel(
        self, channel: str | None = None, thread_id: str | None = None
    ) -> OutputChannel:
        bot = super().get_output_channel(channel, thread_id)
        client = getattr(bot, "client", None)
        if client is not None:
            client.base_url = self.api_url
        # Rasa's API reaches a conversation through this too, by its (prefixed) id.
        return _PlatformIds(self.name(), bot)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        apps = AppHolder()
        return apps.attach(super().blueprint(_guarded(self, self.limits, apps, on_new_message)))
