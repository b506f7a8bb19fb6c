"""The guarded channels: built from credentials.yml, and neither trusts a sender id.

The REST channel wants its bearer token; the socket.io channel accepts only sessions the server
signed, and a client cannot name someone else's session. Both run here on a real Sanic server
on loopback, with a stand-in for Rasa's message handler.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
import pytest_asyncio
import redis
import socketio
import websockets
from rasa.core.channels.channel import UserMessage
from rasa.core.run import create_http_input_channels
from sanic import Sanic
from socketio import AsyncRedisManager

from bot.channels import AGENT_NAME_KEY, GuardedRestInput, GuardedSocketIOInput, socket_manager
from bot.screening import GuardLimits
from kefu.processes import free_port

CREDENTIALS = Path(__file__).resolve().parents[2] / "credentials.yml"
REST_TOKEN = "rest-token-for-the-tests"
CHAT_SECRET = "chat-secret-for-the-tests-0123456789"
LIMITS = GuardLimits(1000, 2.0)


@pytest.fixture
def launcher_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEFU_MAX_MESSAGE_CHARS", "1234")
    monkeypatch.setenv("KEFU_REPLY_TIMEOUT_SECONDS", "4.5")
    monkeypatch.setenv("KEFU_REST_TOKEN", REST_TOKEN)
    monkeypatch.setenv("KEFU_CHAT_SECRET", CHAT_SECRET)
    monkeypatch.setenv("KEFU_CHAT_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")
    monkeypatch.setenv("KEFU_SOCKET_REDIS_URL", "")
    monkeypatch.setenv("KEFU_SOCKET_REDIS_CHANNEL", "kefu_socketio")
    monkeypatch.setenv("KEFU_TRUSTED_PROXIES", "")


@pytest.mark.usefixtures("launcher_environment")
def test_the_project_credentials_create_both_guarded_channels() -> None:
    channels = create_http_input_channels(None, str(CREDENTIALS))
    by_name = {channel.name(): channel for channel in channels}
    assert set(by_name) == {"rest", "socketio"}
    rest, socket = by_name["rest"], by_name["socketio"]
    assert isinstance(rest, GuardedRestInput) and isinstance(socket, GuardedSocketIOInput)
    assert rest.limits == socket.limits == GuardLimits(1234, 4.5)
    assert socket.session_secret == CHAT_SECRET
    assert socket.cors_origins == ["http://127.0.0.1:8000", "http://localhost:8000"]
    assert socket.redis_url == ""
    assert rest.trusted_proxies == socket.trusted_proxies == ()


def test_socketio_shares_its_emits_through_redis_only_when_a_url_is_configured() -> None:
    assert socket_manager("", "kefu_socketio") is None
    assert socket_manager("  ", "kefu_socketio") is None
    shared = socket_manager("redis://127.0.0.1:6379/1", "kefutest_socketio")
    assert isinstance(shared, AsyncRedisManager)
    assert shared.redis_url == "redis://127.0.0.1:6379/1"
    assert shared.channel == "kefutest_socketio"


@pytest.mark.parametrize(
    ("url", "manager"), [("", "AsyncManager"), ("redis://127.0.0.1:6379/1", "AsyncRedisManager")]
)
@pytest.mark.usefixtures("launcher_environment")
def test_the_project_credentials_choose_the_socketio_manager(
    monkeypatch: pytest.MonkeyPatch, url: str, manager: str
) -> None:
    monkeypatch.setenv("KEFU_SOCKET_REDIS_URL", url)
    monkeypatch.setenv("KEFU_SOCKET_REDIS_CHANNEL", "kefutest_socketio")
    channels = create_http_input_channels(None, str(CREDENTIALS))
    socket = next(channel for channel in channels if channel.name() == "socketio")
    socket.blueprint(Echo())
    assert type(socket.sio.manager).__name__ == manager
    assert getattr(socket.sio.manager, "channel", "kefutest_socketio") == "kefutest_socketio"


@pytest.mark.parametrize("missing", ["KEFU_MAX_MESSAGE_CHARS", "KEFU_REST_TOKEN"])
@pytest.mark.usefixtures("launcher_environment")
def test_without_the_launchers_settings_the_server_does_not_start(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.delenv(missing)
    with pytest.raises(Exception, match=missing):
        create_http_input_channels(None, str(CREDENTIALS))


class Echo:
    """Rasa's message handler, as far as a channel can tell: it answers every message."""

    def __init__(self) -> None:
        self.senders: list[str] = []
        self.metadata: list[dict[str, Any]] = []

    async def __call__(self, message: UserMessage) -> None:
        self.senders.append(message.sender_id)
        self.metadata.append(dict(message.metadata or {}))
        await message.output_channel.send_response(
            message.sender_id, {"text": f"echo {message.text}"}
        )


async def serve(channel: Any, echo: Echo, prefix: str) -> AsyncIterator[str]:
    # Several apps in one process: Sanic's start-up rewrites of its own methods must be
    # redone from the originals each time, which its test mode does.
    Sanic.test_mode = True
    app = Sanic(f"channel-test-{time.monotonic_ns()}")
    app.blueprint(channel.blueprint(echo), url_prefix=prefix)
    # Sanic reads port 0 as "no port" and takes 8000 (the console's): a free one instead.
    server = await app.create_server(host="127.0.0.1", port=free_port(), return_asyncio_server=True)
    assert server is not None
    await server.startup()
    # What `rasa run` triggers around serving: the channels' start and stop listeners.
    await server.before_start()
    await server.after_start()
    port = server.server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.close()
        # Long-polling clients may hold a request open: do not wait for them.
        await asyncio.wait([asyncio.ensure_future(server.wait_closed())], timeout=2)
        await server.after_stop()


@pytest_asyncio.fixture
async def rest_url() -> AsyncIterator[tuple[str, Echo]]:
    echo = Echo()
    async for url in serve(GuardedRestInput(LIMITS, REST_TOKEN), echo, "/webhooks/rest"):
        yield url, echo


async def post(
    url: str, body: Any, authorization: str | None, forwarded_for: str | None = None
) -> tuple[int, Any]:
    headers = {"Authorization": authorization} if authorization else {}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    async with (
        aiohttp.ClientSession() as client,
        client.post(
            f"{url}/webhooks/rest/webhook", data=json.dumps(body), headers=headers
        ) as answer,
    ):
        return answer.status, await answer.json()


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {REST_TOKEN}"])
async def test_rest_without_the_token_gets_401_and_runs_nothing(
    rest_url: tuple[str, Echo], authorization: str | None
) -> None:
    url, echo = rest_url
    status, body = await post(url, {"sender": "victim", "message": "hi"}, authorization)
    assert status == 401 and body["error"] == "unauthorized"
    assert echo.senders == []


async def test_rest_with_the_token_answers(rest_url: tuple[str, Echo]) -> None:
    url, echo = rest_url
    status, body = await post(url, {"sender": "a", "message": "hi"}, f"Bearer {REST_TOKEN}")
    assert (status, body[0]["text"], echo.senders) == (200, "echo hi", ["a"])


def session_token(session: str, secret: str = CHAT_SECRET, ttl: float = 600) -> str:
    claims = {"sid": session, "exp": int(time.time() + ttl)}
    return jwt.encode(claims, secret, algorithm="HS256")


@pytest_asyncio.fixture
async def socket_url() -> AsyncIterator[tuple[str, Echo]]:
    channel = GuardedSocketIOInput("user_uttered", "bot_uttered", None, True)
    channel.limits, channel.session_secret, channel.cors_origins = LIMITS, CHAT_SECRET, []
    echo = Echo()
    async for url in serve(channel, echo, "/"):
        yield url, echo


async def connected(url: str, token: str | None) -> tuple[socketio.AsyncClient, list[Any]]:
    """A client whose connection the server accepted (None if it refused), and what it hears.

    Long-polling: the Rasa environment's aiohttp is too old for engine.io's websocket client.
    The tests wait for the server's verdict themselves and abort the client afterwards: a
    polite disconnect would wait out the server's 25-second long poll.
    """
    client, heard = socketio.AsyncClient(), []
    verdict: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    client.on("connect", lambda: verdict.done() or verdict.set_result(True))
    client.on("connect_error", lambda _data: verdict.done() or verdict.set_result(False))
    client.on("bot_uttered", lambda data: heard.append(data))
    client.on("session_confirm", lambda session: heard.append({"session": session}))
    auth = {"token": token} if token else None
    await client.connect(url, auth=auth, transports=["polling"], wait=False)
    if not await asyncio.wait_for(verdict, 10):
        await client.eio.disconnect(abort=True)
        return None, heard  # type: ignore[return-value]
    return client, heard


@pytest.mark.parametrize(
    "token",
    [None, "not-a-jwt", session_token("s1", secret="x" * 40), session_token("s1", ttl=-60)],
)
async def test_a_socket_without_a_valid_session_token_is_refused(
    socket_url: tuple[str, Echo], token: str | None
) -> None:
    client, _ = await connected(socket_url[0], token)
    assert client is None


async def test_a_second_client_cannot_join_or_hear_someone_elses_session(
    socket_url: tuple[str, Echo],
) -> None:
    url, echo = socket_url
    victim, victim_heard = await connected(url, session_token("victim-session"))
    intruder, intruder_heard = await connected(url, session_token("intruder-session"))
    try:
        # The intruder names the victim's session: it is given its own.
        await intruder.emit("session_request", {"session_id": "victim-session"})
        await intruder.emit("user_uttered", {"message": "hi", "session_id": "victim-session"})
        await victim.emit("user_uttered", {"message": "secret", "session_id": "victim-session"})
        await asyncio.sleep(1.0)
    finally:
        await intruder.eio.disconnect(abort=True)
        await victim.eio.disconnect(abort=True)
    assert sorted(echo.senders) == ["intruder-session", "victim-session"]
    assert {"session": "intruder-session"} in intruder_heard
    assert [m.get("text") for m in victim_heard] == ["echo secret"]
    assert all("secret" not in str(m) for m in intruder_heard)


CONSOLE_ORIGIN = "http://127.0.0.1:8000"


@pytest_asyncio.fixture
async def page_socket_url() -> AsyncIterator[tuple[str, Echo]]:
    """The channel as the launcher configures it: the console's origin may open the socket."""
    channel = GuardedSocketIOInput("user_uttered", "bot_uttered", None, True)
    channel.limits, channel.session_secret = LIMITS, CHAT_SECRET
    channel.cors_origins = [CONSOLE_ORIGIN]
    echo = Echo()
    async for url in serve(channel, echo, "/"):
        yield url, echo


async def test_the_chat_pages_websocket_from_the_consoles_origin_is_served(
    page_socket_url: tuple[str, Echo],
) -> None:
    """What console/static/chat.js does: Engine.IO v4 / Socket.IO v5 over a WebSocket only."""
    url, echo = page_socket_url
    address = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    async with websockets.connect(address, origin=CONSOLE_ORIGIN) as socket:
        opened = await asyncio.wait_for(socket.recv(), 10)
        assert opened.startswith("0") and "pingInterval" in json.loads(opened[1:])
        await socket.send("40" + json.dumps({"token": session_token("page-session")}))
        assert (await asyncio.wait_for(socket.recv(), 10)).startswith("40{")
        await socket.send('42["session_request",{"session_id":"someone-else"}]')
        assert json.loads((await asyncio.wait_for(socket.recv(), 10))[2:]) == [
            "session_confirm",
            "page-session",
        ]
        await socket.send('42["user_uttered",{"message":"hi","session_id":"page-session"}]')
        reply = json.loads((await asyncio.wait_for(socket.recv(), 10))[2:])
    assert reply == ["bot_uttered", {"text": "echo hi"}]
    assert echo.senders == ["page-session"]


async def test_a_websocket_from_another_site_is_refused(
    page_socket_url: tuple[str, Echo],
) -> None:
    url, echo = page_socket_url
    address = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with pytest.raises(websockets.exceptions.InvalidStatusCode) as refused:
        async with websockets.connect(address, origin="https://evil.example"):
            pass
    assert refused.value.status_code == 400
    assert echo.senders == []


async def test_a_websocket_without_a_valid_token_gets_a_connect_error(
    page_socket_url: tuple[str, Echo],
) -> None:
    url, echo = page_socket_url
    address = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    async with websockets.connect(address, origin=CONSOLE_ORIGIN) as socket:
        await asyncio.wait_for(socket.recv(), 10)
        await socket.send("40" + json.dumps({"token": session_token("s", ttl=-60)}))
        refused = await asyncio.wait_for(socket.recv(), 10)
    assert refused.startswith("44") and "session token" in json.loads(refused[2:])["message"]
    assert echo.senders == []


async def test_an_agents_reply_from_the_http_api_reaches_the_session_marked_as_a_person() -> None:
    """Rasa's HTTP API sends through `get_output_channel()` (?output_channel=socketio)."""
    channel = GuardedSocketIOInput("user_uttered", "bot_uttered", None, True)
    channel.limits, channel.session_secret, channel.cors_origins = LIMITS, CHAT_SECRET, []
    async for url in serve(channel, Echo(), "/"):
        client, heard = await connected(url, session_token("waiting-customer"))
        try:
            output = channel.get_output_channel()
            assert output is not None
            # What BotUttered.message() gives for the console's event: metadata merged in.
            reply = {"text": "Hi, Ann here.\n\nLet me look.", "timestamp": 1.0}
            await output.send_response("waiting-customer", {**reply, AGENT_NAME_KEY: "Ann"})
            await output.send_response("waiting-customer", {"text": "bot says", "timestamp": 2.0})
            for _ in range(100):
                if len(heard) >= 2:
                    break
                await asyncio.sleep(0.1)
        finally:
            await client.eio.disconnect(abort=True)
        assert heard == [
            {"text": "Hi, Ann here.\n\nLet me look.", "metadata": {"agent": "Ann"}},
            {"text": "bot says"},
        ]


def _redis_running() -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_running(), reason="no Redis on 127.0.0.1:6379")
async def test_an_emit_on_one_server_reaches_a_socket_on_another_once_through_redis() -> None:
    """Two servers (in one process, as two Rasa servers would be), one Redis channel: a reply
    sent through B's output channel reaches the customer's socket on A, exactly once."""
    channel_name = f"kefutest{time.monotonic_ns()}_socketio"
    servers = []
    for _ in range(2):
        channel = GuardedSocketIOInput("user_uttered", "bot_uttered", None, True)
        channel.limits, channel.session_secret, channel.cors_origins = LIMITS, CHAT_SECRET, []
        channel.redis_url, channel.redis_channel = "redis://127.0.0.1:6379/1", channel_name
        servers.append((channel, serve(channel, Echo(), "/")))
    (_, serving_a), (channel_b, serving_b) = servers
    url_a, _url_b = await serving_a.__anext__(), await serving_b.__anext__()
    client, heard = await connected(url_a, session_token("customer-on-a"))
    try:
        output = channel_b.get_output_channel()
        assert output is not None
        await output.send_response(
            "customer-on-a", {"text": "Hi, Ann here.", AGENT_NAME_KEY: "Ann"}
        )
        for _ in range(30):  # three seconds for a duplicate to show up after the first
            await asyncio.sleep(0.1)
    finally:
        await client.eio.disconnect(abort=True)
        for serving in (serving_a, serving_b):
            await serving.aclose()
    assert heard == [{"text": "Hi, Ann here.", "metadata": {"agent": "Ann"}}]


def _listeners(channel_name: str) -> int:
    plain = redis.Redis(host="127.0.0.1", port=6379, db=1)
    return int(dict(plain.pubsub_numsub(channel_name)).get(channel_name.encode(), 0))


@pytest.mark.skipif(not _redis_running(), reason="no Redis on 127.0.0.1:6379")
async def test_each_server_listens_on_redis_from_its_start_not_from_its_first_socket() -> None:
    """python-socketio subscribes at the first connection; a reply another server sends before
    that subscription is complete is lost. Here no socket ever connects."""
    channel_name = f"kefutest{time.monotonic_ns()}_socketio"
    channel = GuardedSocketIOInput("user_uttered", "bot_uttered", None, True)
    channel.limits, channel.session_secret, channel.cors_origins = LIMITS, CHAT_SECRET, []
    channel.redis_url, channel.redis_channel = "redis://127.0.0.1:6379/1", channel_name
    serving = serve(channel, Echo(), "/")
    await serving.__anext__()
    try:
        for _ in range(50):
            if _listeners(channel_name):
                break
            await asyncio.sleep(0.1)
        assert _listeners(channel_name) == 1
    finally:
        await serving.aclose()
