"""The live handoff in Debian's chromium (Playwright), two pages in one browser: a customer on the
web chat and agents in the console, against the real Rasa server, action server and console.

The customer asks for a person; the conversation appears in the agent's queue without a reload;
the agent takes it and replies; the customer sees the reply; a second agent cannot take it; the
agent hands back; the bot answers the next message knowing the customer is verified; the
exchange log holds every message once, in order, with the right sender. The agent's queue is
the README's docs/queue.png (refreshed with KEFU_SCREENSHOTS=1)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from crm_store.models import Conversation
from crm_store.services.agents import create_agent
from tests.console.test_browser import CHROMIUM, assert_not_blank, playwright_api
from tests.console.webchat_support import REPLY_TIMEOUT_MS, ChatPage, chat_console, logged
from tests.integration.support import Databases

__all__ = ["chat_console"]  # a fixture, used by name
pytestmark = [pytest.mark.browser, pytest.mark.integration]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "queue.png"
ANNA = ("anna.schmidt@example.com", "10115")
AGENTS = {"ann": "Ann Agent", "ben": "Ben Backup"}
PASSWORD = "handoff browser password"
REPLY = "Hi Anna, this is Ann from the team. Your parcel is with DHL; I've checked it for you."


@pytest_asyncio.fixture
async def browser(chat_console: str, databases: Databases) -> AsyncIterator[Any]:
    """One chromium; the agents' accounts exist in the stack's CRM."""
    async with databases.crm() as session, session.begin():
        for username, name in AGENTS.items():
            await create_agent(session, username, PASSWORD, "agent", display_name=name)
    async with playwright_api.async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=CHROMIUM)
        yield launched
        await launched.close()


async def _page(browser: Any, base: str, errors: list[str], width: int = 1280) -> Any:
    """A page in a context of its own (its own cookies: another person)."""
    context = await browser.new_context(base_url=base, viewport={"width": width, "height": 800})
    page = await context.new_page()
    page.set_default_timeout(REPLY_TIMEOUT_MS)
    page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


async def _agent_on_queue(browser: Any, base: str, username: str, errors: list[str]) -> Any:
    page = await _page(browser, base, errors)
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button:has-text('Sign in')")
    await page.wait_for_url("**/conversations")
    await page.click("nav a:has-text('Queue')")
    await page.wait_for_selector("#queue-live:has-text('live')")
    return page


async def _conversation_id(databases: Databases, session_id: str) -> int:
    async with databases.crm() as session:
        found = await session.scalar(
            select(Conversation.id)
            .where(Conversation.sender_id == session_id)
            .order_by(Conversation.id.desc())
        )
    assert found is not None
    return int(found)


async def _second_agent_cannot_take(page: Any, conversation_id: int) -> None:
    """Ben's queue row still offered Take a moment ago; the console refuses him now."""
    status = await page.evaluate(
        """async (id) => {
          const csrf = document.getElementById('queue').dataset.csrf;
          const answer = await fetch('/api/conversations/' + id + '/take',
            {method: 'POST', headers: {'X-CSRF-Token': csrf}});
          return answer.status;
        }""",
        conversation_id,
    )
    assert status == 409
    await page.goto(f"/conversations/{conversation_id}")
    assert "Another agent has this conversation" in await page.inner_text("#handoff")


async def test_customer_and_agents_through_a_live_handoff(
    browser: Any, chat_console: str, databases: Databases
) -> None:
    errors: list[str] = []
    customer = await _page(browser, chat_console, errors, width=480)
    ann = await _agent_on_queue(browser, chat_console, "ann", errors)
    ben = await _agent_on_queue(browser, chat_console, "ben", errors)

    chat = await ChatPage(customer).open()
    assert "email" in (await chat.say("where is my order?")).lower()
    await chat.say(ANNA[0])
    assert "Anna" in await chat.say(ANNA[1])
    assert "colleague" in await chat.say("I want to talk to a human")
    session_id = await chat.session_id()
    conversation_id = await _conversation_id(databases, session_id)

    # The queue shows it without a reload, with its reason.
    row = f"#queue-rows tr[data-id='{conversation_id}']"
    await ann.wait_for_selector(f"{row} button:has-text('Take')")
    await ben.wait_for_selector(f"{row} button:has-text('Take')")
    assert "asked for a human" in await ann.inner_text(f"{row} .reason")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shot = SCREENSHOT if os.environ.get("KEFU_SCREENSHOTS") or not SCREENSHOT.exists() else None
    target = shot or Path(os.environ.get("TMPDIR", "/tmp")) / "queue.png"
    await ann.screenshot(path=str(target))
    assert_not_blank(target)

    await ann.click(f"{row} button:has-text('Take')")
    await ann.wait_for_url(f"**/conversations/{conversation_id}")
    await ben.wait_for_selector(f"{row} .status:has-text('with Ann Agent')")  # live, again
    await _second_agent_cannot_take(ben, conversation_id)

    before = await chat.replies.count()
    await ann.fill("#reply-text", REPLY)
    await ann.click("#reply-send")
    assert REPLY in await chat.reply_after(before)
    agent_reply = customer.locator("#chat-log .message.agent")
    assert await agent_reply.count() == 1 and REPLY in await agent_reply.inner_text()

    await ann.wait_for_selector("#handback")
    await ann.click("#handback")
    await ann.wait_for_selector("#status:has-text('bot')")
    # Handed back: the bot still knows Anna is verified, and answers without asking again.
    answer = await chat.say("what's the status of order KF-500002?")
    assert "KF-500002" in answer and "email" not in answer.lower()

    lines = await logged(databases, session_id, answer.split("\n")[0][:20])
    assert [(line.sender, line.text) for line in lines if line.sender != "bot"] == [
        ("user", "where is my order?"),
        ("user", ANNA[0]),
        ("user", ANNA[1]),
        ("user", "I want to talk to a human"),
        ("agent", REPLY),
        ("user", "what's the status of order KF-500002?"),
    ]
    shown = await customer.locator("#chat-log .message").all_inner_texts()
    assert sum(REPLY in text for text in shown) == 1
    assert errors == [], errors
