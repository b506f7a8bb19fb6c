"""Every route behind its role, CSRF on every state change, cookies and headers, throttling."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from console.app import create_app
from console.security import CSP
from tests.console.conftest import ADMIN, AGENT, Client, Data, config

PUBLIC = {"/health", "/login", "/logout", "/", "/static"}
# The customers' web chat: no login (tests/console/test_chat.py checks its own gate).
PUBLIC |= {"/chat", "/chat/session", "/chat/history"}


def gated_routes() -> list[tuple[str, str, str]]:
    """(method, path with ids filled in, role) of every route behind @requires."""
    app = create_app(config("sqlite://"))
    found = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or info.get("path") or info.get("prefix", "")
        role = getattr(route.handler, "required_role", None)
        if route.method == "HEAD":
            continue
        if role is None:
            assert path in PUBLIC or path.startswith("/static"), f"{path} has no role"
            continue
        found.append((route.method, path.replace("{id}", "1").replace("{tag}", "x"), role))
    return found


ROUTES = gated_routes()


def test_every_route_is_known() -> None:
    assert len(ROUTES) >= 35
    assert {role for *_, role in ROUTES} == {"agent", "admin"}


async def _call(client: Client, method: str, path: str) -> Any:
    if method == "GET":
        return await client.http.get(path, allow_redirects=False)
    return await client.http.request(
        method, path, headers={"X-CSRF-Token": client.csrf}, json={}, allow_redirects=False
    )


@pytest.mark.parametrize(("method", "path", "role"), ROUTES)
async def test_anonymous_goes_to_login_or_gets_401(
    client: Client, method: str, path: str, role: str
) -> None:
    await client.page("/login")  # a session with a CSRF token, so the role gate decides
    response = await _call(client, method, path)
    if path.startswith("/api/"):
        assert response.status == 401
    else:
        assert response.status == 302
        assert response.headers["Location"].startswith("/login?next=")


async def test_agents_get_403_on_every_admin_route(agent: Client) -> None:
    admin_routes = [(m, p) for m, p, role in ROUTES if role == "admin"]
    for method, path in admin_routes:
        response = await _call(agent, method, path)
        assert response.status == 403, (method, path)
    for method, path, role in ROUTES:
        if role == "agent" and method == "GET":
            response = await _call(agent, method, path)
            assert response.status not in (401, 403), path


async def test_admins_pass_every_gate(admin: Client) -> None:
    for method, path, _role in ROUTES:
        response = await _call(admin, method, path)
        assert response.status not in (401, 403), (method, path)


async def test_without_a_valid_csrf_token_nothing_changes(agent: Client, data: Data) -> None:
    conversation = data.ids["parcel"]
    tries = [
        agent.http.post(f"/conversations/{conversation}/tags", data={"tag": "sneaky"}),
        agent.http.post(
            f"/conversations/{conversation}/tags", data={"tag": "sneaky", "csrf_token": "forged"}
        ),
        agent.http.post(f"/api/conversations/{conversation}/tags", json={"tag": "sneaky"}),
        agent.http.put(
            f"/api/conversations/{conversation}/review",
            json={"reviewed": True},
            headers={"X-CSRF-Token": "forged"},
        ),
        agent.http.post(f"/api/conversations/{conversation}/notes", json={"body": "sneaky"}),
        agent.http.post("/logout"),
    ]
    for attempt in tries:
        response = await attempt
        assert response.status == 403
    transcript = await (await agent.http.get(f"/api/conversations/{conversation}")).json()
    assert transcript["tags"] == [] and transcript["notes"] == [] and not transcript["reviewed"]


async def test_login_needs_the_csrf_token_too(client: Client) -> None:
    await client.page("/login")
    response = await client.http.post(
        "/login", data={"username": ADMIN[0], "password": ADMIN[1]}, allow_redirects=False
    )
    assert response.status == 403


async def test_session_cookie_is_secure_httponly_strict(data: Data) -> None:
    async with TestClient(TestServer(create_app(config(data.url, secure=True)))) as http:
        response = await http.get("/login")
        cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


async def test_security_headers(client: Client) -> None:
    response, _ = await client.page("/login")
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_wrong_passwords_then_throttled(client: Client) -> None:
    for _ in range(5):
        assert (await client.login(AGENT[0], "not the password")).status == 401
    response = await client.login(*AGENT)
    assert response.status == 429
    assert "Too many failed logins" in await response.text()


async def test_logout_ends_the_session(agent: Client) -> None:
    response = await agent.post_form("/logout", {})
    assert response.status == 303
    response = await agent.http.get("/conversations", allow_redirects=False)
    assert response.status == 302


async def test_next_never_leaves_the_site(client: Client) -> None:
    await client.page("/login?next=//evil.example/")
    response = await client.http.post(
        "/login",
        data={
            "username": AGENT[0],
            "password": AGENT[1],
            "next": "//evil.example/",
            "csrf_token": client.csrf,
        },
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/conversations"


async def test_a_disabled_account_loses_its_session_at_once(data: Data, admin: Client) -> None:
    async with TestClient(TestServer(create_app(config(data.url)))) as http:
        other = await Client(http).signed_in(AGENT)
        response = await admin.api("PATCH", f"/api/users/{data.users['agent']}", {"active": False})
        assert response.status == 200
        response = await other.http.get("/api/conversations")
        assert response.status == 401


def test_health_is_public() -> None:
    assert isinstance(create_app(config("sqlite://")), web.Application)
