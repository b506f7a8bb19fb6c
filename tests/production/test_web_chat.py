"""The web chat across two Rasa servers: an agent's reply appended through one server's HTTP API
reaches the customer's socket held by the other, once; every server listens on Redis from its
start.

The console appends an agent's reply through whichever Rasa server the balancer picks; the
customer's socket.io connection lives on one of them. Each server shares its emits through
Redis (bot/channels.py, python-socketio's AsyncRedisManager), so the one that holds the socket
delivers it. Uses the module's cluster (tests/production/conftest.py).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt
import pytest
import socketio

from console.rasa_api import AGENT_ID_KEY, AGENT_NAME_KEY
from kefu.profile import socket_environment
from kefu.servers import rasa_ports
from tests.production.cluster import Cluster

pytestmark = pytest.mark.production
# After the reply arrived, how long a second copy would have to show up.
DUPLICATE_WINDOW_S = 3.0


def session_token(cluster: Cluster, session: str) -> str:
    """What the console's POST /chat/session issues (tests/security/test_attacks.py)."""
    claims = {"sid": session, "exp": int(time.time()) + 600}
    return jwt.encode(claims, str(cluster.secrets.chat_secret), algorithm="HS256")


def api_headers(cluster: Cluster) -> dict[str, str]:
    """The JWT console/rasa_api.py signs for Rasa's HTTP API."""
    claims = {
        "user": {"username": "kefu-console", "role": "admin"},
        "exp": int(time.time()) + 60,
    }
    token = jwt.encode(claims, str(cluster.secrets.rasa_jwt_secret), algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


async def subscribers(host: str, port: int, channel: str) -> int:
    """Redis `PUBSUB NUMSUB channel`, spoken by hand (the app side has no Redis client)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        parts = [b"PUBSUB", b"NUMSUB", channel.encode()]
        writer.write(b"*3\r\n" + b"".join(b"$%d\r\n%s\r\n" % (len(part), part) for part in parts))
        await writer.drain()
        # *2 / $len / channel / :count
        lines = [await reader.readline() for _ in range(4)]
        return int(lines[3].strip().lstrip(b":"))
    finally:
        writer.close()


async def until(condition: Any, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.1)
    return False


def every_server_running(cluster: Cluster) -> int:
    """Restart the Rasa servers the fault tests, when they ran first, killed for good."""
    for child in cluster.servers.rasa:
        if not child.running:
            cluster.restart(child)
    return len(cluster.servers.rasa)


async def test_every_rasa_server_listens_on_the_redis_channel_before_any_socket_connects(
    cluster: Cluster,
) -> None:
    # No socket has connected to either server yet (this file's other test comes after):
    # python-socketio alone would subscribe each one only at its first socket, so a reply
    # appended through the other server while that subscription is under way was lost.
    servers = every_server_running(cluster)
    redis = cluster.settings.production.redis
    channel = socket_environment(cluster.settings.production)["KEFU_SOCKET_REDIS_CHANNEL"]

    async def all_listening() -> bool:
        return await subscribers(redis.host, redis.port, channel) >= servers

    await until(all_listening, 30)
    assert await subscribers(redis.host, redis.port, channel) == servers


async def test_an_agents_reply_through_one_server_reaches_a_socket_on_the_other_once(
    cluster: Cluster,
) -> None:
    every_server_running(cluster)
    port_a, port_b = rasa_ports(cluster.settings)[:2]
    session = f"webchat-{uuid.uuid4().hex[:12]}"
    heard: list[Any] = []
    confirmed = asyncio.Event()
    client = socketio.AsyncClient()
    client.on("bot_uttered", heard.append)
    client.on("session_confirm", lambda _session: confirmed.set())
    # WebSocket only, as the chat page (console/static/chat.js), straight to server A.
    await client.connect(
        f"http://127.0.0.1:{port_a}",
        auth={"token": session_token(cluster, session)},
        transports=["websocket"],
        wait_timeout=30,
    )
    try:
        await client.emit("session_request", {"session_id": session})
        await asyncio.wait_for(confirmed.wait(), 30)
        # At once: A has listened on Redis since it started, not since this socket.
        event = {
            "event": "bot",
            "text": "Hi, Ann from the team here.",
            "timestamp": time.time(),
            "metadata": {AGENT_ID_KEY: 1, AGENT_NAME_KEY: "Ann"},
        }
        params = {"execute_side_effects": "true", "output_channel": "socketio"}
        url = f"http://127.0.0.1:{port_b}/conversations/{quote(session, safe='')}/tracker/events"
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, json=event, params=params, headers=api_headers(cluster)) as answer,
        ):
            assert answer.status == 200, await answer.text()

        async def arrived() -> bool:
            return bool(heard)

        await until(arrived, 30)
        await asyncio.sleep(DUPLICATE_WINDOW_S)
    finally:
        await client.disconnect()
    assert heard == [{"text": "Hi, Ann from the team here.", "metadata": {"agent": "Ann"}}]
