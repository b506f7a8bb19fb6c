"""The web chat's console side: the page, its session tokens, and the conversation so far.

A token is what the Rasa server's socket.io channel accepts (a JWT HS256 with the chat secret,
`sid` = the conversation); the page is public, its token endpoint same-origin and rate-limited,
its history readable only with the conversation's own token.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from console.app import create_app
from console.config import ConsoleConfig
from console.handlers.chat import chat_csp
from console.webchat import RateLimiter, issue, session_of
from crm_store.db import create_engine, create_sessionmaker
from crm_store.models import Conversation, Direction
from tests.console.conftest import SECRET, Data
from tests.crm_store.services.logged import record

CHAT_SECRET = "the web chat's test secret, long enough for HS384 too: 0123456789"
SOCKET_URL = "http://127.0.0.1:5005"
RATING = [{"title": str(n), "payload": f'/inform{{"rating":{n}}}'} for n in (1, 2, 3, 4, 5)]


def chat_config(url: str, **overrides: Any) -> ConsoleConfig:
    fields: dict[str, Any] = {
        "database_url": url,
        "secret": SECRET,
        "secure_cookies": False,
        "chat_secret": CHAT_SECRET,
        "chat_socket_url": SOCKET_URL,
        "chat_sessions_per_minute": 5,
    }
    return ConsoleConfig(**{**fields, **overrides})


@pytest_asyncio.fixture
async def chat(data: Data) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_app(chat_config(data.url)))) as http:
        yield http


def origin(http: TestClient[Any, Any]) -> dict[str, str]:
    """What a browser sends with a POST from the console's own page."""
    return {"Origin": str(http.make_url("/")).rstrip("/")}


async def new_session(http: TestClient[Any, Any], **body: Any) -> Any:
    response = await http.post("/chat/session", json=body, headers=origin(http))
    return response.status, await response.json()


async def test_the_page_is_public_and_may_open_only_the_rasa_socket(
    chat: TestClient[Any, Any],
) -> None:
    response = await chat.get("/chat")
    assert response.status == 200
    page = await response.text()
    for element in ('id="chat-log"', 'id="chat-input"', 'id="chat-send"', 'id="chat-typing"'):
        assert element in page
    assert 'id="chat-status"' in page and "chat.js" in page and "<script>" not in page
    policy = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' ws://127.0.0.1:5005 http://127.0.0.1:5005;" in policy
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy.replace("http://127.0.0.1:5005", "")  # nothing from a CDN


def test_only_the_listed_shops_may_frame_the_page() -> None:
    config = chat_config(
        "sqlite://",
        chat_embed_origins=("https://shop.example",),
        chat_socket_url="https://c.example",
    )
    policy = chat_csp(config)
    assert "frame-ancestors 'self' https://shop.example;" in policy
    assert "connect-src 'self' wss://c.example https://c.example;" in policy


async def test_a_new_session_is_a_token_the_socket_channel_accepts(
    chat: TestClient[Any, Any],
) -> None:
    status, body = await new_session(chat)
    assert status == 201
    assert set(body) == {"token", "session_id", "socket_url", "expires_at"}
    # What bot/channels.py GuardedSocketIOInput.session_of checks, with the same library.
    claims = jwt.decode(
        body["token"], CHAT_SECRET, algorithms=["HS256"], options={"require": ["sid", "exp"]}
    )
    assert claims["sid"] == body["session_id"] and body["session_id"].startswith("web-")
    assert body["socket_url"] == SOCKET_URL
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires == datetime.fromtimestamp(claims["exp"], timezone.utc)
    assert timedelta(hours=23) < expires - datetime.now(timezone.utc) <= timedelta(hours=24)
    _, other = await new_session(chat)
    assert other["session_id"] != body["session_id"]


async def test_a_valid_token_is_renewed_for_the_same_conversation(
    chat: TestClient[Any, Any],
) -> None:
    old = issue(CHAT_SECRET, 60, now=time.time() - 30)
    status, body = await new_session(chat, token=old.token)
    assert status == 200
    assert body["session_id"] == old.session_id and body["token"] != old.token
    assert datetime.fromisoformat(body["expires_at"]) > old.expires_at + timedelta(hours=23)


@pytest.mark.parametrize(
    "token",
    [
        issue(CHAT_SECRET, 60, now=time.time() - 120).token,  # expired
        issue("somebody else's secret 0123456789", 600).token,  # forged
        jwt.encode({"sid": "web-x", "exp": int(time.time()) + 600}, CHAT_SECRET, "HS384"),
        jwt.encode({"sid": "demo-1", "exp": int(time.time()) + 600}, CHAT_SECRET, "HS256"),
        "not a token",
    ],
)
async def test_a_bad_token_gets_a_clear_401_and_no_session(
    chat: TestClient[Any, Any], token: str
) -> None:
    status, body = await new_session(chat, token=token)
    assert status == 401
    assert body["error"] == "expired_token" and "start a new one" in body["message"]
    assert "token" not in body


@pytest.mark.parametrize(
    ("payload", "status", "error"),
    [
        (b"{not json", 400, "malformed_json"),
        (b'["a list"]', 400, "malformed_request"),
        (b'{"token": 42}', 400, "invalid_token"),
        (b'{"token": "' + b"x" * 9000 + b'"}', 413, "too_large"),
    ],
)
async def test_bad_requests_get_a_clear_4xx(
    chat: TestClient[Any, Any], payload: bytes, status: int, error: str
) -> None:
    response = await chat.post(
        "/chat/session",
        data=payload,
        headers={**origin(chat), "Content-Type": "application/json"},
    )
    assert response.status == status
    body = await response.json()
    assert body["error"] == error and body["message"]


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no browser said where it comes from
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
async def test_only_the_consoles_own_pages_may_ask(
    chat: TestClient[Any, Any], headers: dict[str, str]
) -> None:
    response = await chat.post("/chat/session", json={}, headers=headers)
    assert response.status == 403
    assert (await response.json())["error"] == "cross_origin"


async def test_a_same_origin_fetch_without_origin_header_is_served(
    chat: TestClient[Any, Any],
) -> None:
    response = await chat.post("/chat/session", headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status == 201


async def test_the_agents_csrf_check_still_guards_their_posts(
    chat: TestClient[Any, Any],
) -> None:
    # A same-origin header is not a CSRF token for the console's own forms.
    response = await chat.post("/logout", headers=origin(chat), allow_redirects=False)
    assert response.status == 403


async def test_one_client_gets_a_limited_number_of_sessions(chat: TestClient[Any, Any]) -> None:
    for _ in range(5):
        assert (await new_session(chat))[0] == 201
    response = await chat.post("/chat/session", json={}, headers=origin(chat))
    assert response.status == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert (await response.json())["error"] == "rate_limited"


def test_the_limit_is_a_sliding_minute_per_client() -> None:
    now = [1000.0]
    limiter = RateLimiter(2, max_clients=2, clock=lambda: now[0])
    assert limiter.retry_after("a") == 0 and limiter.retry_after("a") == 0
    assert limiter.retry_after("a") == pytest.approx(60)
    assert limiter.retry_after("b") == 0  # another client is not held back
    now[0] += 30
    assert limiter.retry_after("a") == pytest.approx(30)
    now[0] += 30.5
    assert limiter.retry_after("a") == 0
    limiter.retry_after("c")  # a third client: the least recently seen is forgotten
    assert set(limiter.seen) == {"a", "c"}


async def test_without_a_chat_secret_the_chat_says_it_is_off(data: Data) -> None:
    config = chat_config(data.url, chat_secret=None)
    async with TestClient(TestServer(create_app(config))) as http:
        assert (await http.get("/chat")).status == 503
        response = await http.post("/chat/session", json={}, headers=origin(http))
        assert response.status == 503
        assert (await response.json())["error"] == "chat_unavailable"


async def _logged_chat(url: str, sender_id: str) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            started = datetime.now(timezone.utc) - timedelta(minutes=10)
            chat = Conversation(
                sender_id=sender_id, session_started_at=9.0, channel="socketio", started_at=started
            )
            session.add(chat)
            session.add_all(
                [
                    record(chat, Direction.user, "hi", 0),
                    record(chat, Direction.bot, "Hello! How can I help?", 1),
                    record(chat, Direction.user, "thanks, bye", 2),
                    record(
                        chat,
                        Direction.bot,
                        "How would you rate this?",
                        3,
                        extra={"buttons": RATING},
                    ),
                    record(chat, Direction.user, '/inform{"rating":5}', 4),
                    record(chat, Direction.agent, "Glad I could help.", 5),
                ]
            )
    finally:
        await engine.dispose()


async def test_the_history_is_the_conversation_as_the_customer_saw_it(
    chat: TestClient[Any, Any], data: Data
) -> None:
    mine = issue(CHAT_SECRET, 600)
    await _logged_chat(data.url, mine.session_id)
    response = await chat.get("/chat/history", headers={"Authorization": f"Bearer {mine.token}"})
    assert response.status == 200
    body = await response.json()
    assert body["session_id"] == mine.session_id
    lines = [(m["sender"], m["text"]) for m in body["messages"]]
    assert lines == [
        ("user", "hi"),
        ("bot", "Hello! How can I help?"),
        ("user", "thanks, bye"),
        ("bot", "How would you rate this?"),
        ("user", "5"),  # the button's title, not its payload
        ("agent", "Glad I could help."),
    ]
    assert [b["title"] for b in body["messages"][3]["buttons"]] == ["1", "2", "3", "4", "5"]
    # Another conversation's token sees none of it.
    other = issue(CHAT_SECRET, 600)
    response = await chat.get("/chat/history", headers={"Authorization": f"Bearer {other.token}"})
    assert (await response.json())["messages"] == []


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer nonsense", "Basic abc", f"Bearer {issue('x' * 40, 600).token}"],
)
async def test_the_history_needs_the_conversations_token(
    chat: TestClient[Any, Any], authorization: str
) -> None:
    response = await chat.get("/chat/history", headers={"Authorization": authorization})
    assert response.status == 401
    assert (await response.json())["error"] == "unauthorized"


def test_session_of_accepts_only_our_live_tokens() -> None:
    mine = issue(CHAT_SECRET, 600)
    assert session_of(CHAT_SECRET, mine.token) == mine.session_id
    assert session_of(CHAT_SECRET + "!", mine.token) is None
    assert session_of(CHAT_SECRET, None) is None
    assert session_of(CHAT_SECRET, "x" * 5000) is None
