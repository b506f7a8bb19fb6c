"""The live handoff's routes: the queue and its event stream, take (one agent wins, the other
gets 409), reply, hand back, resolve — against a fake of Rasa's HTTP API that checks the JWT."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select, update

from console.app import create_app
from console.config import ConsoleConfig
from crm_store.db import create_engine, create_sessionmaker
from crm_store.models import Conversation, ConversationStatus
from tests.console.conftest import ADMIN, AGENT, SECRET, Client, Data

# Handing back resumes the bot and tells it that nobody is waiting for an agent any more.
RESUMED = [
    {"event": "resume"},
    {"event": "slot", "name": "agent_requested", "value": False},
]

RASA_SECRET = "the rasa jwt secret for the console tests"


@dataclass
class FakeRasa:
    """Rasa's HTTP API as far as the console uses it: what it was sent, and a switch to fail."""

    calls: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)
    failing: bool = False
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, RASA_SECRET, algorithms=["HS256"])
        except jwt.PyJWTError:
            return web.json_response({"error": "unauthorized"}, status=401)
        assert claims["user"]["role"] == "admin"
        if self.failing:
            return web.json_response({"error": "down"}, status=500)
        self.calls.append((request.path, dict(request.query), await request.json()))
        return web.json_response({})


@pytest_asyncio.fixture
async def rasa() -> AsyncIterator[FakeRasa]:
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/conversations/{id}/tracker/events", fake.handle)
    app.router.add_post("/conversations/{id}/execute", fake.handle)
    async with TestServer(app) as server:
        fake.url = str(server.make_url(""))
        yield fake


def _config(url: str, rasa_url: str | None) -> ConsoleConfig:
    return ConsoleConfig(
        database_url=url,
        secret=SECRET,
        secure_cookies=False,
        rasa_api_url=rasa_url,
        rasa_jwt_secret=RASA_SECRET,
        queue_poll_seconds=0.05,
    )


@pytest_asyncio.fixture
async def two_agents(data: Data, rasa: FakeRasa) -> AsyncIterator[tuple[Client, Client]]:
    """Ann (agent) and the boss (admin), each in a browser of their own, on one console."""
    server = TestServer(create_app(_config(data.url, rasa.url)))
    async with TestClient(server) as ann_http, TestClient(server) as boss_http:
        ann = await Client(ann_http).signed_in(AGENT)
        boss = await Client(boss_http).signed_in(ADMIN)
        yield ann, boss


async def _row(data: Data, name: str) -> Conversation:
    engine = create_engine(data.url)
    try:
        async with create_sessionmaker(engine)() as session:
            row = await session.scalar(
                select(Conversation).where(Conversation.id == data.ids[name])
            )
    finally:
        await engine.dispose()
    assert row is not None
    return row


async def _hand_off(data: Data, name: str, reason: str = "asked for a human") -> None:
    """What the action server does when the bot hands a conversation off (another process)."""
    engine = create_engine(data.url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            await session.execute(
                update(Conversation)
                .where(Conversation.id == data.ids[name])
                .values(status=ConversationStatus.handoff, assignee_id=None, handoff_reason=reason)
            )
    finally:
        await engine.dispose()


async def test_queue_take_reply_and_the_second_agent_gets_409(
    two_agents: tuple[Client, Client], data: Data, rasa: FakeRasa
) -> None:
    ann, boss = two_agents
    refund = data.ids["refund"]
    queue = await (await ann.http.get("/api/queue")).json()
    assert [(q["id"], q["status"], q["reason"]) for q in queue["queue"]] == [
        (refund, "handoff", "asked for a human")
    ]
    _, page = await ann.page("/queue")
    assert f'action="/conversations/{refund}/take"' in page

    taken = await ann.api("POST", f"/api/conversations/{refund}/take")
    assert taken.status == 200, await taken.text()
    second = await boss.api("POST", f"/api/conversations/{refund}/take")
    assert second.status == 409
    assert "already taken" in (await second.json())["error"]
    assert rasa.calls == [("/conversations/refund/tracker/events", {}, {"event": "pause"})]

    # Only the holder replies; the reply goes out through the customer's latest channel, as Ann.
    assert (
        await boss.api("POST", f"/api/conversations/{refund}/reply", {"text": "hi"})
    ).status == 409
    replied = await ann.api("POST", f"/api/conversations/{refund}/reply", {"text": " Hello! "})
    assert replied.status == 200, await replied.text()
    path, query, event = rasa.calls[-1]
    assert (path, query) == (
        "/conversations/refund/tracker/events",
        {"execute_side_effects": "true", "output_channel": "latest"},
    )
    assert event["event"] == "bot" and event["text"] == "Hello!"
    assert event["metadata"] == {"kefu_agent_id": data.users["agent"], "kefu_agent_name": "ann"}
    row = await _row(data, "refund")
    assert row.status == ConversationStatus.agent and row.assignee_id == data.users["agent"]
    assert row.first_agent_reply_at is not None

    _, page = await ann.page(f"/conversations/{refund}")
    assert 'id="reply-form"' in page
    _, page = await boss.page(f"/conversations/{refund}")
    assert "Another agent has this conversation" in page


async def test_hand_back_resumes_and_resolve_asks_the_rating(
    two_agents: tuple[Client, Client], data: Data, rasa: FakeRasa
) -> None:
    ann, _ = two_agents
    refund = data.ids["refund"]
    await ann.page("/queue")
    taken = await ann.post_form(f"/conversations/{refund}/take", {})
    assert (taken.status, taken.headers["Location"]) == (303, f"/conversations/{refund}")
    back = await ann.post_form(f"/conversations/{refund}/handback", {})
    assert back.status == 303
    assert rasa.calls[-1][2] == RESUMED
    assert (await _row(data, "refund")).status == ConversationStatus.bot
    # Handed back, it is nobody's to resolve until the bot hands it off again.
    assert (await ann.api("POST", f"/api/conversations/{refund}/resolve")).status == 409

    # The refund conversation was rated already: resolving it resumes the bot, asks nothing.
    await _hand_off(data, "refund")
    assert (await ann.api("POST", f"/api/conversations/{refund}/take")).status == 200
    resolved = await ann.api("POST", f"/api/conversations/{refund}/resolve")
    assert (await resolved.json())["rating_asked"] is False
    assert rasa.calls[-1][2] == RESUMED
    row = await _row(data, "refund")
    assert row.status == ConversationStatus.resolved and row.resolved_at is not None
    # An unrated one gets the rating question, through the channel the customer last used.
    hostile = data.ids["hostile"]
    await _hand_off(data, "hostile")
    assert (await ann.api("POST", f"/api/conversations/{hostile}/take")).status == 200
    resolved = await ann.api("POST", f"/api/conversations/{hostile}/resolve")
    assert (await resolved.json())["rating_asked"] is True
    assert rasa.calls[-2:] == [
        ("/conversations/hostile/tracker/events", {}, RESUMED),
        ("/conversations/hostile/execute", {"output_channel": "latest"}, {"name": "csat_form"}),
    ]


async def test_csrf_roles_and_an_unreachable_bot(
    two_agents: tuple[Client, Client], data: Data, rasa: FakeRasa
) -> None:
    ann, _ = two_agents
    refund = data.ids["refund"]
    no_token = await ann.http.post(f"/api/conversations/{refund}/take")
    assert no_token.status == 403
    rasa.failing = True
    down = await ann.api("POST", f"/api/conversations/{refund}/take")
    assert down.status == 503
    # The bot could not be paused: the conversation waits in the queue again.
    row = await _row(data, "refund")
    assert (row.status, row.assignee_id) == (ConversationStatus.handoff, None)
    await ann.http.post("/logout", data={"csrf_token": ann.csrf})
    anonymous = await ann.http.post(
        f"/api/conversations/{refund}/take", headers={"X-CSRF-Token": ann.csrf}
    )
    assert anonymous.status in (401, 403)


async def test_without_the_bots_api_taking_is_refused_clearly(agent: Client, data: Data) -> None:
    answer = await agent.api("POST", f"/api/conversations/{data.ids['refund']}/take")
    assert answer.status == 503
    assert "not connected" in (await answer.json())["error"]


async def _next_queue_event(stream: Any) -> list[dict[str, Any]]:
    while True:
        line = await asyncio.wait_for(stream.content.readline(), 10)
        assert line, "the stream ended"
        if line.startswith(b"data: "):
            return json.loads(line[len(b"data: ") :])


async def test_the_queue_stream_pushes_changes(
    two_agents: tuple[Client, Client], data: Data
) -> None:
    ann, _ = two_agents
    async with ann.http.get("/api/queue/events") as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        first = await _next_queue_event(stream)
        assert [q["id"] for q in first] == [data.ids["refund"]]
        await _hand_off(data, "hostile", "angry customer")
        second = await _next_queue_event(stream)
    assert {q["id"]: q["reason"] for q in second} == {
        data.ids["refund"]: "asked for a human",
        data.ids["hostile"]: "angry customer",
    }


async def test_a_hand_back_the_bot_cannot_take_leaves_the_conversation_with_the_agent(
    two_agents: tuple[Client, Client], data: Data, rasa: FakeRasa
) -> None:
    ann, _ = two_agents
    refund = data.ids["refund"]
    assert (await ann.api("POST", f"/api/conversations/{refund}/take")).status == 200
    rasa.failing = True
    assert (await ann.api("POST", f"/api/conversations/{refund}/handback")).status == 503
    row = await _row(data, "refund")
    assert (row.status, row.assignee_id) == (ConversationStatus.agent, data.users["agent"])
    rasa.failing = False
    assert (await ann.api("POST", f"/api/conversations/{refund}/handback")).status == 200
    assert (await _row(data, "refund")).status == ConversationStatus.bot
