"""The web chat in a real browser against the real system: fixtures and a page helper.

`chat_console` serves the console beside the test stack (tests/stack.py: a trained model, the
Rasa server and the action server on loopback), on the port the Rasa server's socket accepts
pages from, with the exchange logger following the tracker store as the launcher's does.
`ChatPage` drives GET /chat through its stable DOM ids (#chat-log, #chat-input, ...).
Browser tests of other features (the agents' handoff) import both.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from aiohttp import web

from console.app import create_app
from console.config import ConsoleConfig
from crm_store.services.chat_history import ChatLine, chat_history
from kefu.processes import free_port
from tests.integration.support import Databases, Stack

# Rasa answers within seconds, but a cold start on a busy machine takes minutes.
REPLY_TIMEOUT_MS = 60_000


# A shop's site that embeds the chat: another origin than the console's, on loopback too
# (browsers refuse a public page's requests to loopback, so it is served for real).
SHOP_ORIGIN = f"http://127.0.0.1:{free_port()}"


@contextlib.asynccontextmanager
async def shop_site(page_html: str) -> AsyncIterator[str]:
    """A shop's home page at SHOP_ORIGIN; yields its URL."""

    async def home(_request: web.Request) -> web.Response:
        return web.Response(text=page_html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", home)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(SHOP_ORIGIN.rsplit(":", 1)[1])).start()
    try:
        yield SHOP_ORIGIN + "/"
    finally:
        await runner.cleanup()


@pytest_asyncio.fixture
async def chat_console(stack: Stack, databases: Databases) -> AsyncIterator[str]:
    """The console's base URL (http://127.0.0.1:<KEFU_CONSOLE_PORT of the stack>)."""
    config = ConsoleConfig(
        database_url=stack.settings.database.url,
        secret="the chat browser test's console secret",
        secure_cookies=False,
        chat_secret=stack.secrets.chat_secret,
        chat_socket_url=stack.rasa_url,
        # A shop's page that embeds the chat (test_chat_browser fakes one at this origin).
        chat_embed_origins=(SHOP_ORIGIN,),
        # The agents' side of the live handoff (tests/console/test_handoff_browser.py).
        rasa_api_url=stack.rasa_url,
        rasa_jwt_secret=stack.secrets.rasa_jwt_secret,
    )
    runner = web.AppRunner(create_app(config))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", stack.settings.console_port)
    await site.start()
    stop = asyncio.Event()
    following = asyncio.create_task(databases.logger.run(stop))
    try:
        yield f"http://127.0.0.1:{stack.settings.console_port}"
    finally:
        stop.set()
        await following
        await runner.cleanup()


class ChatPage:
    """A customer on GET /chat, as the tests see them: through the page's stable DOM ids."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.replies = page.locator("#chat-log .message.bot, #chat-log .message.agent")

    async def open(self) -> ChatPage:
        await self.page.goto("/chat")
        await self.connected()
        return self

    async def connected(self, timeout_ms: float = REPLY_TIMEOUT_MS) -> None:
        await self.page.wait_for_selector('#chat[data-state="connected"]', timeout=timeout_ms)

    async def session_id(self) -> str:
        stored = await self.page.evaluate("JSON.parse(localStorage.getItem('kefu-chat-session'))")
        return str(stored["session_id"])

    async def say(self, text: str) -> str:
        """Type `text`, send it, and return the text of the first reply to it (once the replies
        to the previous message stopped arriving: a turn may answer with several messages)."""
        before = await self.settled_count()
        await self.page.fill("#chat-input", text)
        await self.page.click("#chat-send")
        return await self.reply_after(before)

    async def settled_count(self, quiet_seconds: float = 1.5) -> int:
        """How many replies the page shows once none has arrived for `quiet_seconds`."""
        count, quiet_since = await self.replies.count(), asyncio.get_running_loop().time()
        while asyncio.get_running_loop().time() - quiet_since < quiet_seconds:
            await asyncio.sleep(0.1)
            now = await self.replies.count()
            if now != count:
                count, quiet_since = now, asyncio.get_running_loop().time()
        return count

    async def reply_after(self, before: int) -> str:
        """The text of reply number `before` + 1, once it is there."""
        await self.page.wait_for_function(
            "n => document.querySelectorAll("
            "'#chat-log .message.bot, #chat-log .message.agent').length > n",
            arg=before,
            timeout=REPLY_TIMEOUT_MS,
        )
        return str(await self.replies.nth(before).inner_text())


async def logged(
    databases: Databases, session_id: str, until: str, seconds: float = 30
) -> list[ChatLine]:
    """The conversation's exchange log, once a message containing `until` is in it."""
    lines: list[ChatLine] = []
    for _ in range(int(seconds * 10)):
        async with databases.crm() as session:
            lines = await chat_history(session, session_id)
        if any(until in line.text for line in lines):
            return lines
        await asyncio.sleep(0.1)
    raise AssertionError(f"{until!r} never reached the exchange log: {lines}")
