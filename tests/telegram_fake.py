"""A stand-in for Telegram's Bot API on loopback: it answers what Kefu's Telegram channel calls
(getMe, setWebhook, sendMessage, answerCallbackQuery) and records every call.

Plain aiohttp, so both environments use it: the Rasa side's unit tests run it on their own
event loop (`start`), the integration stack in a thread of its own (`running_in_thread`),
because the Rasa server it serves is started before any test's loop exists.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_TOKEN = "123456789:kefu-fake-token-for-the-tests_0123456"
BOT_ID = 123456789
BOT_USERNAME = "kefu_test_bot"


@dataclass(frozen=True)
class Call:
    token: str
    method: str
    params: dict[str, str]


@dataclass
class FakeTelegram:
    """The fake API; `calls` is everything it was asked, in order (thread-safe to read)."""

    token: str = BOT_TOKEN
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        app.router.add_get("/bot{token}/{method}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        params: dict[str, str] = dict(request.query)
        if request.content_type == "application/json":
            params.update({k: str(v) for k, v in (await request.json()).items()})
        else:
            params.update({k: str(v) for k, v in (await request.post()).items()})
        token, method = request.match_info["token"], request.match_info["method"]
        with self._lock:
            self.calls.append(Call(token, method, params))
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

    def called(self, method: str) -> list[dict[str, str]]:
        with self._lock:
            return [call.params for call in self.calls if call.method.lower() == method.lower()]

    def sent_to(self, chat_id: int) -> list[str]:
        """The texts sent to one chat, in order."""
        return [p["text"] for p in self.called("sendMessage") if p.get("chat_id") == str(chat_id)]

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
    def running_in_thread(self) -> Iterator[FakeTelegram]:
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
