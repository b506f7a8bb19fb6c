"""A console on a throw-away seeded CRM with three conversations, an admin and an agent, and
a small client that signs in and carries the CSRF token like a browser would."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from console.app import create_app
from console.config import ConsoleConfig
from crm_store.db import create_engine, create_sessionmaker
from crm_store.services.agents import create_agent
from tests.crm_store.services.console_data import add_console_conversations
from tests.databases import Backend

ADMIN = ("boss", "admin password 1")
AGENT = ("ann", "agent password 1")
SECRET = "a console test secret"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Data:
    url: str
    ids: dict[str, int]  # conversations by name
    users: dict[str, int]


@pytest.fixture
def console_backend(_backends: dict[str, Backend]) -> Backend:
    """SQLite: the console's own logic is the same on both; the services run on both."""
    return _backends["sqlite"]


@pytest_asyncio.fixture
async def data(console_backend: Backend) -> AsyncIterator[Data]:
    url = console_backend.new("seeded")
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            ids = await add_console_conversations(session)
            users = {
                "admin": (await create_agent(session, ADMIN[0], ADMIN[1], "admin")).id,
                "agent": (await create_agent(session, AGENT[0], AGENT[1], "agent")).id,
            }
    finally:
        await engine.dispose()
    yield Data(url, ids, users)
    console_backend.drop(url)


class Client:
    """An aiohttp test client that keeps the session cookie and the page's CSRF token."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.http = client
        self.csrf = ""

    async def page(self, path: str, **kwargs: Any) -> tuple[ClientResponse, str]:
        response = await self.http.get(path, **kwargs)
        text = await response.text()
        found = _CSRF.search(text)
        if found:
            self.csrf = found.group(1)
        return response, text

    async def login(self, username: str, password: str) -> ClientResponse:
        await self.page("/login")
        return await self.http.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": self.csrf},
            allow_redirects=False,
        )

    async def signed_in(self, who: tuple[str, str]) -> Client:
        response = await self.login(*who)
        assert response.status == 303, await response.text()
        await self.page("/conversations")  # the new session's token
        return self

    async def post_form(self, path: str, fields: dict[str, str]) -> ClientResponse:
        return await self.http.post(
            path, data={**fields, "csrf_token": self.csrf}, allow_redirects=False
        )

    async def api(self, method: str, path: str, json: Any = None) -> ClientResponse:
        headers = {"X-CSRF-Token": self.csrf}
        return await self.http.request(method, path, json=json, headers=headers)


def config(url: str, secure: bool = False) -> ConsoleConfig:
    return ConsoleConfig(database_url=url, secret=SECRET, secure_cookies=secure)


@pytest_asyncio.fixture
async def client(data: Data) -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(config(data.url)))) as http:
        yield Client(http)


@pytest_asyncio.fixture
async def admin(client: Client) -> Client:
    return await client.signed_in(ADMIN)


@pytest_asyncio.fixture
async def agent(client: Client) -> Client:
    return await client.signed_in(AGENT)
