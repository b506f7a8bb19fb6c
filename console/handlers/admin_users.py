"""Admins manage console accounts: create, disable or enable, reset the password, change role."""

from __future__ import annotations

from aiohttp import web

from console.handlers._common import body, form, reading, render, writing
from console.params import path_id
from console.security import requires
from console.views import json_of
from crm_store.services import agents
from crm_store.services.agents import AgentView


@requires("admin")
async def page(request: web.Request) -> web.Response:
    async with reading(request) as session:
        users = await agents.list_agents(session)
    return await render(request, "users.html", {"users": users})


async def _change(request: web.Request, user_id: int, fields: dict[str, object]) -> AgentView:
    """One change per request: `active`, `role` or `password`."""
    async with writing(request) as session:
        if "active" in fields:
            active = fields["active"] in (True, "yes", "true", "on", "1")
            return await agents.set_active(session, user_id, active)
        if "role" in fields:
            return await agents.set_role(session, user_id, str(fields["role"]))
        if "password" in fields:
            return await agents.reset_password(session, user_id, str(fields["password"]))
    raise web.HTTPBadRequest(text="Send active, role or password.")


@requires("admin")
async def create_form(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    async with writing(request) as session:
        await agents.create_agent(
            session,
            fields.get("username", ""),
            fields.get("password", ""),
            fields.get("role", "agent"),
            fields.get("email") or None,
            fields.get("display_name") or None,
        )
    raise web.HTTPSeeOther("/admin/users")


@requires("admin")
async def change_form(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    fields.pop("csrf_token", None)
    await _change(request, path_id(request), dict(fields))
    raise web.HTTPSeeOther("/admin/users")


@requires("admin")
async def list_api(request: web.Request) -> web.Response:
    async with reading(request) as session:
        return json_of({"users": await agents.list_agents(session)})


@requires("admin")
async def create_api(request: web.Request) -> web.Response:
    data = await body(request)
    async with writing(request) as session:
        created = await agents.create_agent(
            session,
            str(data.get("username", "")),
            str(data.get("password", "")),
            str(data.get("role", "agent")),
            data.get("email") or None,
            data.get("display_name") or None,
        )
    return json_of(created, status=201)


@requires("admin")
async def change_api(request: web.Request) -> web.Response:
    return json_of(await _change(request, path_id(request), await body(request)))
