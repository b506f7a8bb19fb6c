"""The web channels count a customer by the connection: the peer, or behind trusted proxies
the address they forwarded; never by what the message's metadata claims (the identification
limit per client, crm_store/services/verification.py, reads it)."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from rasa.core.run import create_http_input_channels

from bot.channels import GuardedRestInput, GuardedSocketIOInput
from bot.client_address import trusted_networks
from bot.screening import CLIENT_KEY, client_key
from tests.bot.test_channels import (
    CHAT_SECRET,
    CONSOLE_ORIGIN,
    CREDENTIALS,
    LIMITS,
    REST_TOKEN,
    Echo,
    launcher_environment,  # noqa: F401 - the fixture, used by name
    post,
    serve,
    session_token,
)


@pytest.mark.usefixtures("launcher_environment")
def test_the_project_credentials_give_both_channels_the_trusted_proxies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KEFU_TRUSTED_PROXIES", "127.0.0.1,::1")
    channels = {c.name(): c for c in create_http_input_channels(None, str(CREDENTIALS))}
    expected = trusted_networks("127.0.0.1 ::1")
    assert channels["rest"].trusted_proxies == channels["socketio"].trusted_proxies == expected
    monkeypatch.setenv("KEFU_TRUSTED_PROXIES", "nginx.local")
    with pytest.raises(ValueError, match="trusted_proxies"):
        create_http_input_channels(None, str(CREDENTIALS))


@pytest.mark.parametrize(
    ("trusted", "forwarded_for", "client"),
    [
        # nginx on loopback, trusted: the address it put into the header (right-most).
        ("127.0.0.1,::1", "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        ("127.0.0.1,::1", "2001:db8:1:2::7", "2001:db8:1:2::/64"),
        ("127.0.0.1,::1", None, "127.0.0.1"),
        # The peer is no trusted proxy: its header is a customer's claim, ignored.
        ("10.0.0.0/8", "203.0.113.7", "127.0.0.1"),
        ("", "203.0.113.7", "127.0.0.1"),
    ],
)
async def test_rest_counts_the_client_by_the_request_not_by_its_metadata(
    trusted: str, forwarded_for: str | None, client: str
) -> None:
    echo = Echo()
    channel = GuardedRestInput(LIMITS, REST_TOKEN, trusted_networks(trusted))
    body = {"sender": "a", "message": "hi", "metadata": {CLIENT_KEY: "forged", "language": "de"}}
    async for url in serve(channel, echo, "/webhooks/rest"):
        status, _ = await post(url, body, f"Bearer {REST_TOKEN}", forwarded_for)
    assert status == 200
    assert echo.metadata == [{CLIENT_KEY: client_key(client), "language": "de"}]


@pytest.mark.parametrize(
    ("trusted", "client"), [("127.0.0.1", "203.0.113.7"), ("192.0.2.0/24", "127.0.0.1")]
)
async def test_a_socket_counts_its_client_by_the_connection_not_by_its_metadata(
    trusted: str, client: str
) -> None:
    channel = GuardedSocketIOInput("user_uttered", "bot_uttered", None, True)
    channel.limits, channel.session_secret = LIMITS, CHAT_SECRET
    channel.cors_origins = [CONSOLE_ORIGIN]
    channel.trusted_proxies = trusted_networks(trusted)
    echo = Echo()
    async for url in serve(channel, echo, "/"):
        address = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        proxied = {"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}
        async with websockets.connect(
            address, origin=CONSOLE_ORIGIN, extra_headers=proxied
        ) as socket:
            await asyncio.wait_for(socket.recv(), 10)
            await socket.send("40" + json.dumps({"token": session_token("proxied-session")}))
            await asyncio.wait_for(socket.recv(), 10)
            forged = {"message": "hi", "metadata": {CLIENT_KEY: "forged", "language": "zh"}}
            await socket.send("42" + json.dumps(["user_uttered", forged]))
            await asyncio.wait_for(socket.recv(), 10)
    assert echo.metadata == [{CLIENT_KEY: client_key(client), "language": "zh"}]
