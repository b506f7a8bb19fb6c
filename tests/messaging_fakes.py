"""Stand-ins for Telegram's Bot API and Slack's Web API on loopback: each answers what Kefu's
channel calls (Telegram: setWebhook, sendMessage, answerCallbackQuery, getMe; Slack:
chat.postMessage) and records every call.

Plain aiohttp, so both environments use it: the Rasa side's unit tests run it on their own
event loop (`start`), the integration stack in a thread of its own (`running_in_thread`),
because the Rasa server it serves is started before any test's loop exists.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

BOT_TOKEN = "123456789:kefu-fake-token-for-the-tests_0123456"
BOT_ID = 123456789
BOT_USERNAME = "kefu_test_bot"
SLACK_TOKEN = "xoxb-kefu-fake-token-for-the-tests"
SLACK_SIGNING_SECRET = "slack-signing-secret-for-the-tests"
META_APP_SECRET = "meta-app-secret-for-the-tests"
META_VERIFY_TOKEN = "meta-verify-token-for-the-tests"


@dataclass(frozen=True)
class Call:
    token: str
    method: str
    params: dict[str, str]


Platform = TypeVar("Platform", bound="FakePlatform")


async def _params(request: web.Request) -> dict[str, str]:
    """A call's parameters, however the client sent them (query, form, multipart or JSON)."""
    params: dict[str, str] = dict(request.query)
    if request.content_type == "application/json":
        params.update({k: str(v) for k, v in (await request.json()).items()})
    else:
        params.update({k: str(v) for k, v in (await request.post()).items()})
    return params


@dataclass
class FakePlatform:
    """A fake API; `calls` is everything it was asked, in order (thread-safe to read)."""

    token: str = ""
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def app(self) -> web.Application:
        raise NotImplementedError

    def record(self, token: str, method: str, params: dict[str, str]) -> None:
        with self._lock:
            self.calls.append(Call(token, method, params))

    def called(self, method: str) -> list[dict[str, str]]:
        with self._lock:
            return [call.params for call in self.calls if call.method.lower() == method.lower()]

    async def start(self) -> web.AppRunner:
        """Serve on a free loopback port of the running loop; `url` is set once it listens."""
        runner = web.AppRunner(self.app())
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return runner

    @contextmanager
    def running_in_thread(self: Platform) -> Iterator[Platform]:
        """Serve from a thread with its own event loop until the block ends."""
        loop = asyncio.new_event_loop()
        started = threading.Event()
        holder: dict[str, web.AppRunner] = {}

        def serve() -> None:
            asyncio.set_event_loop(loop)
            holder["runner"] = loop.run_until_complete(self.start())
            started.set()
            loop.run_forever()

        thread = threading.Thread(target=serve, name="fake-telegram", daemon=True)
        thread.start()
        if not started.wait(30):
            raise RuntimeError("the fake Telegram API did not start")
        try:
            yield self
        finally:
            asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(30)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(30)
            loop.close()


@dataclass
class FakeTelegram(FakePlatform):
    """Telegram's Bot API: /bot<token>/<method>."""

    token: str = BOT_TOKEN
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        app.router.add_get("/bot{token}/{method}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        params = await _params(request)
        token, method = request.match_info["token"], request.match_info["method"]
        self.record(token, method, params)
        if token != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        return web.json_response({"ok": True, "result": self.result(method, params)})

    def result(self, method: str, params: dict[str, str]) -> Any:
        if method.lower() == "getme":
            return {"id": BOT_ID, "is_bot": True, "first_name": "Kefu", "username": BOT_USERNAME}
        if method.lower() == "sendmessage":
            return {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Kefu"},
                "text": params.get("text", ""),
            }
        return True

    def sent_to(self, chat_id: int) -> list[str]:
        """The texts sent to one chat, in order."""
        return [p["text"] for p in self.called("sendMessage") if p.get("chat_id") == str(chat_id)]


@dataclass
class FakeSlack(FakePlatform):
    """Slack's Web API: /api/<method>, the bot token as a bearer token."""

    token: str = SLACK_TOKEN

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{method}", self.handle)
        return app

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    async def handle(self, request: web.Request) -> web.Response:
        params = await _params(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        method = request.match_info["method"]
        self.record(token, method, params)
        if token != self.token:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        return web.json_response({"ok": True, "channel": params.get("channel"), "ts": "1.0"})

    def sent_to(self, channel: str) -> list[str]:
        """The texts posted to one Slack channel (a DM's channel id), in order."""
        return [p["text"] for p in self.called("chat.postMessage") if p.get("channel") == channel]


def update(update_id: int, chat_id: int, text: str | None, **message: Any) -> dict[str, Any]:
    """A Telegram Update carrying a private chat's text message."""
    body: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Anna"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Anna"},
        **message,
    }
    if text is not None:
        body["text"] = text
    return {"update_id": update_id, "message": body}


def slack_event(user: str, channel: str, text: str) -> dict[str, Any]:
    """A Slack Events API callback: a direct message to the app."""
    event = {"type": "message", "channel_type": "im", "channel": channel, "user": user}
    return {"type": "event_callback", "event": {**event, "text": text, "ts": f"{time.time():.6f}"}}


def slack_signed(
    body: bytes, secret: str = SLACK_SIGNING_SECRET, at: float | None = None
) -> dict[str, str]:
    """The headers Slack signs a request with (v0 signature over timestamp and body)."""
    stamp = str(int(time.time() if at is None else at))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
    }


@dataclass
class FakeGraph(FakePlatform):
    """Meta's Graph API as Messenger's Send API uses it: /v<version>/me/messages."""

    token: str = "page-token-for-the-tests"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{version}/me/messages", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        token = request.query.get("access_token", "")
        kind = "sender_action" if "sender_action" in body else "message"
        recipient = str(body.get("recipient", {}).get("id"))
        self.record(token, kind, {"recipient": recipient, "body": json.dumps(body)})
        if token != self.token:
            return web.json_response(
                {"error": {"message": "Invalid OAuth access token"}}, status=400
            )
        return web.json_response({"recipient_id": recipient, "message_id": "m.1"})

    def sent_to(self, recipient: str) -> list[str]:
        """The texts sent to one page-scoped id, in order."""
        sent = [
            json.loads(p["body"]) for p in self.called("message") if p["recipient"] == recipient
        ]
        return [str(body["message"].get("text", "")) for body in sent]

    def actions_for(self, recipient: str) -> list[str]:
        calls = [json.loads(p["body"]) for p in self.called("sender_action")]
        return [c["sender_action"] for c in calls if str(c["recipient"]["id"]) == recipient]


def messenger_event(sender: str, text: str, mid: str, **message: Any) -> dict[str, Any]:
    """A Messenger webhook call carrying one customer message."""
    event = {"sender": {"id": sender}, "recipient": {"id": "1"}, "timestamp": int(time.time())}
    return {
        "object": "page",
        "entry": [
            {"id": "1", "messaging": [{**event, "message": {"mid": mid, "text": text, **message}}]}
        ],
    }


def meta_signed(body: bytes, secret: str, legacy: bool = False) -> dict[str, str]:
    """The headers Meta signs a webhook call with (SHA-256, or the legacy SHA-1 one)."""
    digest = hashlib.sha1 if legacy else hashlib.sha256
    header = "X-Hub-Signature" if legacy else "X-Hub-Signature-256"
    signature = hmac.new(secret.encode(), body, digest).hexdigest()
    return {"Content-Type": "application/json", header: f"{digest().name}={signature}"}
