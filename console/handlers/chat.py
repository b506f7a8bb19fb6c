"""The customers' web chat: the page, its session tokens, and its earlier messages.

No login: a customer is whoever holds a conversation's token. The page talks to the Rasa
server's socket.io channel itself (console/static/chat.js); the console only issues and renews
tokens (POST /chat/session, same-origin, rate-limited per client) and shows the conversation so
far from the exchange log (GET /chat/history, authorized by the token).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web

from console.config import ConsoleConfig
from console.handlers._common import reading
from console.keys import CHAT_LIMITER, CONFIG
from console.security import same_origin_only
from console.webchat import issue, session_of
from crm_store.services.chat_history import chat_history

MAX_BODY_BYTES = 8 * 1024


def _refuse(status: int, error: str, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": error, "message": message}, status=status, headers=headers)


def chat_csp(config: ConsoleConfig) -> str:
    """The console's policy, plus the Rasa server's socket; framed only by the listed shops."""
    socket = urlsplit(config.chat_socket_url)
    websocket = f"{'wss' if socket.scheme == 'https' else 'ws'}://{socket.netloc}"
    ancestors = (
        " ".join(["'self'", *config.chat_embed_origins]) if config.chat_embed_origins else "'none'"
    )
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"connect-src 'self' {websocket} {socket.scheme}://{socket.netloc}; "
        f"object-src 'none'; base-uri 'none'; frame-ancestors {ancestors}; form-action 'self'"
    )


async def page(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    if not config.chat_secret:
        raise web.HTTPServiceUnavailable(text="The web chat is not configured (KEFU_CHAT_SECRET).")
    response = aiohttp_jinja2.render_template("chat.html", request, {})
    response.headers["Content-Security-Policy"] = chat_csp(config)
    if config.chat_embed_origins:
        # frame-ancestors decides in every current browser; DENY would override it in old ones.
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


async def _json_body(request: web.Request) -> dict[str, Any] | web.Response:
    """The request's JSON object ({} for an empty body), or the 4xx answer it deserves."""
    if request.content_length and request.content_length > MAX_BODY_BYTES:
        return _refuse(413, "too_large", "The body is too large.")
    raw = await request.read()
    if not raw.strip():
        return {}
    if len(raw) > MAX_BODY_BYTES:
        return _refuse(413, "too_large", "The body is too large.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _refuse(400, "malformed_json", "The body is not valid JSON.")
    if not isinstance(body, dict):
        return _refuse(400, "malformed_request", 'Send a JSON object, e.g. {"token": "..."}.')
    return body


@same_origin_only
async def session(request: web.Request) -> web.Response:
    """A new conversation's token; or, for a still-valid token in the body, a renewed one."""
    config = request.app[CONFIG]
    if not config.chat_secret:
        return _refuse(503, "chat_unavailable", "The web chat is not configured.")
    wait = request.app[CHAT_LIMITER].retry_after(request.remote or "unknown")
    if wait > 0:
        return _refuse(
            429,
            "rate_limited",
            "Too many chat sessions from this address; try again in a minute.",
            **{"Retry-After": str(math.ceil(wait))},
        )
    body = await _json_body(request)
    if isinstance(body, web.Response):
        return body
    token = body.get("token")
    session_id = None
    if token is not None:
        if not isinstance(token, str):
            return _refuse(400, "invalid_token", "'token' must be a string.")
        session_id = session_of(config.chat_secret, token)
        if session_id is None:
            return _refuse(
                401,
                "expired_token",
                "This chat session has expired or is not ours; start a new one (send no token).",
            )
    issued = issue(config.chat_secret, config.chat_token_seconds, session_id)
    return web.json_response(
        {
            "token": issued.token,
            "session_id": issued.session_id,
            "socket_url": config.chat_socket_url,
            "expires_at": issued.expires_at.isoformat(),
        },
        status=200 if session_id else 201,
    )


async def history(request: web.Request) -> web.Response:
    """The conversation so far, for the holder of its token (`Authorization: Bearer <token>`)."""
    config = request.app[CONFIG]
    if not config.chat_secret:
        return _refuse(503, "chat_unavailable", "The web chat is not configured.")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    session_id = session_of(config.chat_secret, token.strip()) if scheme == "Bearer" else None
    if session_id is None:
        return _refuse(401, "unauthorized", "Send the chat session's token as a Bearer token.")
    async with reading(request) as db:
        lines = await chat_history(db, session_id)
    messages = [{**asdict(line), "sent_at": line.sent_at.isoformat()} for line in lines]
    return web.json_response({"session_id": session_id, "messages": messages})
