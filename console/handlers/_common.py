"""What handlers share: a session per request, the signed-in user, form and JSON bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from console.keys import SESSIONS
from console.security import USER, csrf_token
from crm_store.services.agents import AgentView


@asynccontextmanager
async def reading(request: web.Request) -> AsyncIterator[AsyncSession]:
    async with request.app[SESSIONS]() as session:
        yield session


@asynccontextmanager
async def writing(request: web.Request) -> AsyncIterator[AsyncSession]:
    """One unit of work: committed at the end, rolled back whole if anything raises."""
    async with request.app[SESSIONS]() as session, session.begin():
        yield session


def user(request: web.Request) -> AgentView:
    return request[USER]


async def form(request: web.Request) -> dict[str, str]:
    data = await request.post()
    return {k: v for k, v in data.items() if isinstance(v, str)}


async def body(request: web.Request) -> dict[str, Any]:
    data = await request.json()
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="The body must be a JSON object.")
    return data


async def render(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    context = {"user": request.get(USER), "csrf": await csrf_token(request), **context}
    return aiohttp_jinja2.render_template(template, request, context, status=status)


def back(request: web.Request, fallback: str) -> web.HTTPSeeOther:
    """After a form: back where it came from, if that is one of our own pages."""
    target = request.headers.get("Referer", "")
    origin = f"{request.scheme}://{request.host}/"
    if target.startswith(origin):
        return web.HTTPSeeOther("/" + target[len(origin) :])
    return web.HTTPSeeOther(fallback)
