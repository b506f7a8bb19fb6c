"""The chat page's rendering in chromium, against a stand-in for Rasa's socket.io channel.

python-socketio's own server (the library Rasa 3.6 serves the channel with) checks the page's
token as bot/channels.py does and answers as Rasa's SocketIOOutput would, plus what the handoff
sends: an agent's reply, which the page marks as a person's. Quick to run; the real Rasa server
is in test_chat_browser.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import socketio
from aiohttp import web

from console.app import create_app
from console.webchat import issue, session_of
from kefu.processes import free_port
from tests.console.conftest import Data
from tests.console.test_browser import CHROMIUM, playwright_api
from tests.console.test_chat import CHAT_SECRET, chat_config

pytestmark = pytest.mark.browser
BUTTONS = [{"content_type": "text", "title": "Delivery", "payload": '/inform{"c":"d"}'}]
# What the stand-in channel answers to each message the page sends.
ANSWERS: dict[str, list[dict[str, Any]]] = {
    "hi": [{"text": "Hello!\nHow can I help?"}],
    "ticket": [{"text": "What is it about?", "quick_replies": BUTTONS}],
    '/inform{"c":"d"}': [{"text": "Delivery it is."}],
    "human": [
        {"text": "Ann here, I'll help you.", "metadata": {"agent": "Ann"}},
        {"text": "A note from the team.", "metadata": {"kefu_agent_id": 4}},
        {"text": "<img src=x onerror=alert(1)>"},
        {"text": "A file", "attachment": {"payload": {"src": "javascript:alert(1)"}}},
    ],
}


class StandIn:
    """Rasa's socket.io channel as far as the page can tell."""

    def __init__(self, origin: str) -> None:
        self.sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=[origin])
        self.received: list[tuple[str, str]] = []
        self.sessions: dict[str, str] = {}
        self.sio.on("connect", self.connect)
        self.sio.on("session_request", self.session_request)
        self.sio.on("user_uttered", self.user_uttered)

    async def connect(self, sid: str, _environ: Any, auth: Any) -> None:
        session = session_of(CHAT_SECRET, (auth or {}).get("token"))
        if session is None:
            raise socketio.exceptions.ConnectionRefusedError("a valid session token is needed")
        self.sessions[sid] = session

    async def session_request(self, sid: str, _data: Any) -> None:
        await self.sio.emit("session_confirm", self.sessions[sid], room=sid)

    async def user_uttered(self, sid: str, data: dict[str, Any]) -> None:
        self.received.append((self.sessions[sid], data["message"]))
        for answer in ANSWERS.get(data["message"], [{"text": "?"}]):
            await self.sio.emit("bot_uttered", answer, room=sid)


@pytest_asyncio.fixture
async def page(data: Data) -> AsyncIterator[tuple[Any, StandIn]]:
    console_port, socket_port = free_port(), free_port()
    console_url = f"http://127.0.0.1:{console_port}"
    stand_in = StandIn(console_url)
    socket_app = web.Application()
    stand_in.sio.attach(socket_app)
    config = chat_config(data.url, chat_socket_url=f"http://127.0.0.1:{socket_port}")
    runners = [web.AppRunner(create_app(config)), web.AppRunner(socket_app)]
    for runner, port in zip(runners, (console_port, socket_port), strict=True):
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM)
        context = await browser.new_context(base_url=console_url)
        opened = await context.new_page()
        opened.set_default_timeout(20_000)
        opened.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
        yield opened, stand_in
        await browser.close()
    for runner in runners:
        await runner.cleanup()


async def send(page: Any, text: str, replies: int) -> None:
    await page.fill("#chat-input", text)
    await page.click("#chat-send")
    await page.wait_for_function(
        "n => document.querySelectorAll('#chat-log .message.bot, #chat-log .message.agent')"
        ".length >= n",
        arg=replies,
    )


async def test_replies_quick_replies_and_an_agents_messages_render(
    page: tuple[Any, StandIn],
) -> None:
    chat, stand_in = page
    await chat.goto("/chat")
    await chat.wait_for_selector('#chat[data-state="connected"]')
    await send(chat, "hi", 1)
    assert await chat.inner_text("#chat-log .message.bot") == "Hello!\nHow can I help?"
    await send(chat, "ticket", 2)
    await chat.click("button.quick-reply:has-text('Delivery')")
    await chat.wait_for_selector(".message.bot:has-text('Delivery it is.')")
    assert await chat.locator(".message.user").last.inner_text() == "Delivery"
    assert await chat.locator("button.quick-reply").first.is_disabled()
    await send(chat, "human", 7)
    agents = chat.locator("#chat-log .message.agent")
    assert await agents.count() == 2
    assert "Ann (our team)" in await agents.first.inner_text()
    assert "A person from our team" in await agents.last.inner_text()
    # Text is text: no markup from a message runs or renders, no javascript: link is made.
    assert await chat.locator("#chat-log img").count() == 0
    assert await chat.locator("#chat-log a").count() == 0
    session = stand_in.received[0][0]
    assert stand_in.received == [
        (session, "hi"),
        (session, "ticket"),
        (session, '/inform{"c":"d"}'),
        (session, "human"),
    ]


async def test_an_expired_token_in_the_browser_starts_a_new_conversation(
    page: tuple[Any, StandIn],
) -> None:
    chat, stand_in = page
    old = issue(CHAT_SECRET, 60, now=time.time() - 3600)
    stored = {
        "token": old.token,
        "session_id": old.session_id,
        "socket_url": "http://127.0.0.1:1",
        "expires_at": old.expires_at.isoformat(),
    }
    await chat.add_init_script(
        f"localStorage.setItem('kefu-chat-session', {json.dumps(json.dumps(stored))})"
    )
    await chat.goto("/chat")
    await chat.wait_for_selector('#chat[data-state="connected"]')
    await send(chat, "hi", 1)
    session = stand_in.received[0][0]
    assert session.startswith("web-") and session != old.session_id
    kept = json.loads(await chat.evaluate("localStorage.getItem('kefu-chat-session')"))
    assert kept["session_id"] == session and kept["socket_url"] != stored["socket_url"]
