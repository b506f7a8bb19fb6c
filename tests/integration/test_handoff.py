"""The live handoff against the real Rasa server and action server: the bot hands off, an agent
takes the conversation in the console (the bot pauses, the guard stays quiet), the agent's reply
reaches the customer's socket.io client and is logged once as the agent's, in order; handed
back, the bot answers knowing the customer is verified."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
import pytest_asyncio
import socketio
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from console.app import create_app
from console.config import ConsoleConfig
from crm_store.models import CommunicationRecord, Conversation
from crm_store.services._common import value_of
from crm_store.services.agents import create_agent
from kefu.workers.tracker_table import read_tracker_events
from tests.console.conftest import Client
from tests.integration.support import Databases, Stack

pytestmark = pytest.mark.integration

AGENT = ("nora", "agent password for nora")


class Heard:
    """What the customer's chat client has received, and a way to wait for more."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()

    def add(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        self.arrived.set()

    async def at_least(self, count: int, seconds: float = 60.0) -> None:
        """Wait for `count` messages (a generous bound for a slow machine, not a measurement)."""
        deadline = time.monotonic() + seconds
        while len(self.messages) < count:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), max(0.1, deadline - time.monotonic()))


@pytest_asyncio.fixture
async def customer_socket(stack: Stack) -> AsyncIterator[tuple[str, Any, Heard]]:
    """A web-chat customer: a socket.io client with a session token the console would issue."""
    sender = stack.new_sender("handoff")
    token = jwt.encode(
        {"sid": sender, "exp": int(time.time()) + 600},
        str(stack.secrets.chat_secret),
        algorithm="HS256",
    )
    client = socketio.AsyncClient()
    heard = Heard()
    client.on("bot_uttered", heard.add)
    await client.connect(stack.rasa_url, auth={"token": token}, transports=["polling"])
    try:
        yield sender, client, heard
    finally:
        await client.eio.disconnect(abort=True)


@pytest_asyncio.fixture
async def agent(stack: Stack, databases: Databases) -> AsyncIterator[Client]:
    async with databases.crm() as session, session.begin():
        await create_agent(session, AGENT[0], AGENT[1], "agent", display_name="Nora")
    config = ConsoleConfig(
        database_url=stack.settings.database.url,
        secret="the console secret of the handoff test",
        secure_cookies=False,
        rasa_api_url=stack.rasa_url,
        rasa_jwt_secret=stack.secrets.rasa_jwt_secret,
    )
    async with TestClient(TestServer(create_app(config))) as http:
        yield await Client(http).signed_in(AGENT)


async def _conversation_id(databases: Databases, sender: str) -> int:
    async with databases.crm() as session:
        found = await session.scalar(
            select(Conversation.id).where(Conversation.sender_id == sender)
        )
    assert found is not None
    return int(found)


async def _in_tracker(databases: Databases, sender: str, text: str, seconds: float = 60) -> None:
    """Wait until Rasa has stored the customer's message (a socket message is not answered)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        events = await read_tracker_events(databases.tracker_engine, limit=100_000)
        if any(e.sender_id == sender and e.data.get("text") == text for e in events):
            return
        await asyncio.sleep(0.2)  # polling another process's database
    raise AssertionError(f"{text!r} never reached the tracker store")


async def _logged(databases: Databases, conversation_id: int) -> list[tuple[str, str, int | None]]:
    """The conversation's exchange log once the logger has caught up: (direction, text, agent)."""
    await databases.logger.catch_up()
    async with databases.crm() as session:
        rows = await session.execute(
            select(
                CommunicationRecord.direction,
                CommunicationRecord.text,
                CommunicationRecord.agent_id,
            )
            .where(CommunicationRecord.conversation_id == conversation_id)
            .order_by(CommunicationRecord.sent_at, CommunicationRecord.id)
        )
    return [(value_of(direction), text, agent_id) for direction, text, agent_id in rows.all()]


async def test_take_reply_hand_back_with_the_real_rasa_server(
    stack: Stack,
    databases: Databases,
    customer_socket: tuple[str, Any, Heard],
    agent: Client,
) -> None:
    sender, client, heard = customer_socket
    # The first message comes through the web chat, so the conversation's channel is socketio.
    await client.emit("user_uttered", {"message": "where is my order?", "session_id": sender})
    await heard.at_least(1)
    stack.say(sender, "anna.schmidt@example.com")
    assert "Anna" in stack.say(sender, "10115").text
    handed = stack.say(sender, "I want to talk to a human")
    assert "colleague" in handed.text

    conversation_id = await _conversation_id(databases, sender)
    queue = await (await agent.http.get("/api/queue")).json()
    assert conversation_id in [item["id"] for item in queue["queue"]]
    taken = await agent.api("POST", f"/api/conversations/{conversation_id}/take")
    assert taken.status == 200, await taken.text()

    # Paused: Rasa logs the message and says nothing, and the guard adds no fallback.
    waiting = stack.say(sender, "hello? is anyone there?")
    assert (waiting.status, waiting.messages) == (200, [])
    # Back in the web chat: the agent's reply goes where the customer wrote last.
    before = len(heard.messages)
    await client.emit("user_uttered", {"message": "still waiting", "session_id": sender})
    await _in_tracker(databases, sender, "still waiting")
    replied = await agent.api(
        "POST", f"/api/conversations/{conversation_id}/reply", {"text": "Hi Anna, Nora here."}
    )
    assert replied.status == 200, await replied.text()
    await heard.at_least(before + 1)
    assert heard.messages[before] == {"text": "Hi Anna, Nora here.", "metadata": {"agent": "Nora"}}

    back = await agent.api("POST", f"/api/conversations/{conversation_id}/handback")
    assert back.status == 200, await back.text()
    status = stack.say(sender, "what's the status of order KF-500002?")
    # The bot knows the customer is still verified: it answers, no identification questions.
    assert "KF-500002" in status.text and "email" not in status.text.lower()

    rows = await _logged(databases, conversation_id)
    logged = [(direction, text) for direction, text, _ in rows]
    asked = logged.index(("user", "hello? is anyone there?"))
    assert logged[asked : asked + 4] == [
        ("user", "hello? is anyone there?"),
        ("user", "still waiting"),
        ("agent", "Hi Anna, Nora here."),
        ("user", "what's the status of order KF-500002?"),
    ]
    assert logged.count(("agent", "Hi Anna, Nora here.")) == 1
    assert logged.count(("user", "hello? is anyone there?")) == 1
    agent_ids = [agent_id for direction, _, agent_id in rows if direction == "agent"]
    assert len(agent_ids) == 1 and agent_ids[0] is not None
