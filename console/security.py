"""Who may do what: encrypted session cookies, the @requires(role) gate, CSRF tokens on every
state-changing request, and the security headers on every response.

An anonymous page request goes to /login, an anonymous API request gets 401, an agent on an
admin route gets 403. The CSRF token lives in the (encrypted) session and must come back with
every POST/PUT/PATCH/DELETE, as the `csrf_token` form field or the `X-CSRF-Token` header; the
customers' chat has no session cookie, so its POST is checked for coming from our own origin.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from aiohttp import web
from aiohttp_session import Session, get_session, new_session

from console.keys import SESSIONS
from crm_store.services.agents import AgentView, get_agent

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
ROLES = {"agent": 0, "admin": 1}
USER = web.RequestKey("user", AgentView)
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@dataclass(frozen=True)
class Denied:
    status: int
    reason: str


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


async def csrf_token(request: web.Request) -> str:
    """The session's CSRF token, made on first use."""
    session = await get_session(request)
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


async def log_in(request: web.Request, user: AgentView) -> None:
    """A new session (a fresh id and CSRF token: nothing from before the login survives)."""
    session = await new_session(request)
    session["user_id"] = user.id
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


async def log_out(request: web.Request) -> None:
    session = await get_session(request)
    session.invalidate()


async def _current_user(request: web.Request, session: Session) -> AgentView | None:
    user_id = session.get("user_id")
    if not isinstance(user_id, int):
        return None
    # Checked on every request: a disabled account or a changed role takes effect at once.
    async with request.app[SESSIONS]() as db:
        user = await get_agent(db, user_id)
    return user if user is not None and user.is_active else None


def requires(role: str) -> Callable[[Handler], Handler]:
    """Only signed-in users with at least `role` reach the handler; `request[USER]` is them."""
    if role not in ROLES:
        raise ValueError(role)

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def gated(request: web.Request) -> web.StreamResponse:
            user = await _current_user(request, await get_session(request))
            if user is None:
                if is_api(request):
                    raise web.HTTPUnauthorized(
                        text='{"error": "sign in first"}', content_type="application/json"
                    )
                raise web.HTTPFound(f"/login?next={quote(request.path_qs, safe='')}")
            if ROLES.get(user.role, -1) < ROLES[role]:
                if is_api(request):
                    raise web.HTTPForbidden(
                        text='{"error": "admins only"}', content_type="application/json"
                    )
                raise web.HTTPForbidden(text="Admins only.")
            request[USER] = user
            return await handler(request)

        gated.required_role = role  # type: ignore[attr-defined] - read by the route tests
        return gated

    return decorate


def same_origin_only(handler: Handler) -> Handler:
    """A cookie-less POST that needs no CSRF token, only a request from the console's own pages."""
    handler.same_origin_only = True  # type: ignore[attr-defined] - read by csrf_middleware
    return handler


def from_same_origin(request: web.Request) -> bool:
    """What the browser says about where the request comes from: its Origin, or Sec-Fetch-Site.

    The host is compared, not the scheme: behind a TLS proxy the console itself sees http.
    """
    origin = request.headers.get("Origin")
    if origin:
        return origin != "null" and urlsplit(origin).netloc == request.host
    return request.headers.get("Sec-Fetch-Site") == "same-origin"


async def _sent_token(request: web.Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()  # cached: the handler reads the same form again
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method in UNSAFE_METHODS and getattr(
        request.match_info.handler, "same_origin_only", False
    ):
        if not from_same_origin(request):
            raise web.HTTPForbidden(
                text='{"error": "cross_origin", "message": "Only the chat page may ask for this."}',
                content_type="application/json",
            )
    elif request.method in UNSAFE_METHODS:
        session = await get_session(request)
        expected = session.get(CSRF_FIELD)
        sent = await _sent_token(request)
        if not (
            isinstance(expected, str)
            and sent
            and hmac.compare_digest(expected.encode(), sent.encode())
        ):
            if is_api(request):
                raise web.HTTPForbidden(
                    text='{"error": "missing or wrong CSRF token"}',
                    content_type="application/json",
                )
            raise web.HTTPForbidden(text="Missing or wrong CSRF token; reload the page.")
    return await handler(request)


@web.middleware
async def headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        secure_headers(error)
        raise
    secure_headers(response)
    return response


def secure_headers(response: web.StreamResponse) -> None:
    if response.prepared:
        return  # a streamed export set its headers before it started
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
