"""Signing in and out, and the health check the launcher waits for."""

from __future__ import annotations

from aiohttp import web

from console.handlers._common import form, render, writing
from console.security import log_in, log_out
from crm_store.services.agents import LoginThrottled, authenticate


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _safe_next(target: str | None) -> str:
    # Only a path of this site: "//evil.example" or "https://…" would send the user away.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/conversations"


async def login_page(request: web.Request) -> web.Response:
    return await render(request, "login.html", {"next": _safe_next(request.query.get("next"))})


async def login(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    target = _safe_next(fields.get("next"))
    client = request.remote or "unknown"
    try:
        async with writing(request) as session:
            found = await authenticate(
                session, fields.get("username", ""), fields.get("password", ""), client
            )
    except LoginThrottled as error:
        return await render(request, "login.html", {"next": target, "error": str(error)}, 429)
    if found is None:
        context = {"next": target, "error": "Wrong username or password."}
        return await render(request, "login.html", context, 401)
    await log_in(request, found)
    raise web.HTTPSeeOther(target)


async def logout(request: web.Request) -> web.StreamResponse:
    await log_out(request)
    raise web.HTTPSeeOther("/login")
