"""The customers' web chat in Debian's chromium (Playwright) against the real Rasa server, action
server and console: a conversation with a reload in the middle, a Rasa server killed and
started again, and the rating buttons at the end. The last screen is the README's
docs/webchat.png (refreshed with KEFU_SCREENSHOTS=1)."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from kefu.processes import stop_group
from tests.console.test_browser import CHROMIUM, assert_not_blank, playwright_api
from tests.console.webchat_support import (
    REPLY_TIMEOUT_MS,
    ChatPage,
    chat_console,
    logged,
    shop_site,
)
from tests.integration.support import Databases, Stack

__all__ = ["chat_console"]  # a fixture, used by name
pytestmark = [pytest.mark.browser, pytest.mark.integration]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "webchat.png"
CHLOE = ("chloe.martin@example.com", "80331")
# Records, in the page, whether the typing indicator was ever shown (it may last a moment).
WATCH_TYPING = """() => {
  window.typingSeen = false;
  new MutationObserver(() => {
    if (!document.getElementById('chat-typing').hidden) window.typingSeen = true;
  }).observe(document.getElementById('chat-typing'), {attributes: true});
}"""


@pytest_asyncio.fixture
async def customer(chat_console: str) -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM)
        context = await browser.new_context(
            base_url=chat_console, viewport={"width": 480, "height": 760}
        )
        page = await context.new_page()
        page.set_default_timeout(REPLY_TIMEOUT_MS)
        page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        await browser.close()
        assert errors == [], errors


def restart_rasa(stack: Stack) -> None:
    stack.rasa.start()
    stack.rasa.wait_ready(600)


async def test_a_conversation_survives_a_reload_and_a_server_restart(
    customer: Any, stack: Stack, databases: Databases
) -> None:
    chat = await ChatPage(customer).open()
    await customer.evaluate(WATCH_TYPING)
    assert await customer.locator("#chat-status").is_hidden()
    greeting = await chat.say("hi")
    assert greeting.strip()
    assert await customer.evaluate("window.typingSeen") is True
    assert await customer.locator("#chat-typing").is_hidden()
    assert await customer.locator(".message.user").last.inner_text() == "hi"
    session_id = await reload_mid_conversation(chat, databases)
    await server_restart(chat, stack)
    thanks = await rate_at_the_end(chat)
    # The exchange log holds the conversation once, in order: nothing was sent twice.
    lines = await logged(databases, session_id, thanks[:20])
    said = [line.text for line in lines if line.sender == "user"]
    assert said == ["hi", "where is my order?", CHLOE[0], CHLOE[1], "ok bye", "5"]


async def reload_mid_conversation(chat: ChatPage, databases: Databases) -> str:
    """A reload mid-conversation: the same conversation, shown again, and the bot in context."""
    asked = await chat.say("where is my order?")
    assert "email" in asked.lower()
    session_id = await chat.session_id()
    await logged(databases, session_id, asked.split("\n")[0][:20])
    await chat.page.reload()
    await chat.connected()
    assert await chat.session_id() == session_id
    log = chat.page.locator("#chat-log")
    assert "where is my order?" in await log.inner_text()
    assert asked.split("\n")[0] in await log.inner_text()
    # ... and the bot goes on in context: the next answers are the identification's.
    assert "postcode" in (await chat.say(CHLOE[0])).lower()
    await chat.say(CHLOE[1])
    await chat.page.wait_for_selector("#chat-log .message.bot:has-text('Chloé')")  # verified
    # Rasa saves a turn after sending its replies: the kill that follows waits until it is.
    await logged(databases, session_id, "Chloé")
    return session_id


async def server_restart(chat: ChatPage, stack: Stack) -> None:
    """The Rasa server dies: the page says so; a message typed meanwhile is sent once, later."""
    page = chat.page
    stop_group(stack.rasa.process, signal.SIGKILL, 10)  # type: ignore[arg-type]
    try:
        await page.wait_for_selector('#chat[data-state="offline"]')
        assert "reconnecting" in (await page.inner_text("#chat-status")).lower()
        before = await chat.replies.count()
        await page.fill("#chat-input", "ok bye")
        await page.click("#chat-send")
        assert await page.locator(".message.user.pending").count() == 1
    finally:
        await asyncio.to_thread(restart_rasa, stack)
    await chat.connected(timeout_ms=120_000)
    assert await page.locator("#chat-status").is_hidden()
    assert (await chat.reply_after(before)).strip()  # the answer to "ok bye"
    assert await page.locator(".message.user.pending").count() == 0


async def rate_at_the_end(chat: ChatPage) -> str:
    """The goodbye ends with the rating question, its buttons the CSAT: pressing one answers it."""
    page = chat.page
    buttons = page.locator(".quick-replies.csat button.quick-reply")
    await buttons.last.wait_for()
    question = page.locator("#chat-log .message.bot", has=buttons.first)
    assert "rate" in (await question.inner_text()).lower()
    assert [await b.inner_text() for b in await buttons.all()] == ["1", "2", "3", "4", "5"]
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shot = SCREENSHOT if os.environ.get("KEFU_SCREENSHOTS") or not SCREENSHOT.exists() else None
    target = shot or Path(os.environ.get("TMPDIR", "/tmp")) / "webchat.png"
    await page.screenshot(path=str(target))
    assert_not_blank(target)
    before = await chat.replies.count()
    await buttons.last.click()
    thanks = await chat.reply_after(before)
    assert "thank" in thanks.lower(), thanks
    assert await page.locator(".message.user").last.inner_text() == "5"
    assert await buttons.first.is_disabled()  # answered: no second rating from the same buttons
    return thanks


async def test_a_shop_embeds_the_chat_with_one_script_tag(customer: Any, chat_console: str) -> None:
    """The README's snippet on a shop's page (another origin, listed in KEFU_CHAT_ORIGINS)."""
    snippet = f'<script src="{chat_console}/static/chat-embed.js" defer></script>'
    async with shop_site(f"<!doctype html><title>Shop</title><h1>Hoses</h1>{snippet}") as shop:
        await customer.goto(shop)
        await embedded_chat_answers(customer)


async def embedded_chat_answers(customer: Any) -> None:
    assert await customer.locator("#kefu-chat-panel").is_hidden()
    await customer.click("#kefu-chat-launcher")
    frame = customer.frame_locator("#kefu-chat-panel")
    await frame.locator('#chat[data-state="connected"]').wait_for()
    await frame.locator("#chat-input").fill("hi")
    await frame.locator("#chat-send").click()
    await frame.locator("#chat-log .message.bot").first.wait_for()
    assert await customer.locator("#chat-log").count() == 0  # the shop's page sees none of it
