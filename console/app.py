"""The application factory: database, sessions, templates, middlewares and routes in one place."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import aiohttp_jinja2
import aiohttp_session
import jinja2
from aiohttp import web
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from console.config import SESSION_COOKIE, ConsoleConfig
from console.keys import CHAT_LIMITER, CLOSING, CONFIG, RASA, SESSIONS, SIMILAR
from console.rasa_api import RasaApi
from console.routes import add_routes
from console.security import Handler, csrf_middleware, headers_middleware, is_api
from console.similar import SimilarConversations
from console.views import template_filters
from console.webchat import RateLimiter
from crm_store.db import create_engine, create_sessionmaker
from crm_store.errors import Conflict, CrmError, InvalidValue, NotFound

HERE = Path(__file__).resolve().parent


async def _database(app: web.Application) -> AsyncIterator[None]:
    """The engine lives as long as the app: made at start-up, disposed at shutdown."""
    engine = create_engine(app[CONFIG].database_url)
    app[SESSIONS] = create_sessionmaker(engine)
    yield
    await engine.dispose()


async def _rasa_api(app: web.Application) -> AsyncIterator[None]:
    """One HTTP client to the Rasa server for the app's life (None without the API)."""
    config = app[CONFIG]
    app[CLOSING] = asyncio.Event()
    if not (config.rasa_api_url and config.rasa_jwt_secret):
        app[RASA] = None
        yield
        return
    async with aiohttp.ClientSession() as client:
        app[RASA] = RasaApi(config.rasa_api_url, config.rasa_jwt_secret, client)
        yield


async def _closing(app: web.Application) -> None:
    app[CLOSING].set()


def _error(request: web.Request, status: int, message: str) -> web.Response:
    if is_api(request):
        return web.json_response({"error": message}, status=status)
    return aiohttp_jinja2.render_template(
        "error.html", request, {"status": status, "message": message}, status=status
    )


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A service's refusal becomes 400, 404 or 409 with its message; nothing is half-done."""
    try:
        return await handler(request)
    except NotFound as error:
        return _error(request, 404, str(error))
    except InvalidValue as error:
        return _error(request, 400, error.message)
    except Conflict as error:  # e.g. another agent took the conversation first
        return _error(request, 409, str(error))
    except CrmError as error:
        return _error(request, 400, str(error))
    except json.JSONDecodeError:
        return _error(request, 400, "The body is not JSON.")


def create_app(config: ConsoleConfig) -> web.Application:
    app = web.Application(client_max_size=256 * 1024)
    app[CONFIG] = config
    app[SIMILAR] = SimilarConversations(config.similar_pool, config.similar_max_age_seconds)
    app[CHAT_LIMITER] = RateLimiter(config.chat_sessions_per_minute)
    storage = EncryptedCookieStorage(
        config.cookie_key(),
        cookie_name=SESSION_COOKIE,
        max_age=config.session_max_age_seconds,
        httponly=True,
        secure=config.secure_cookies,
        samesite="Strict",
    )
    # Order: headers wrap everything; the session must exist before CSRF reads it.
    app.middlewares.append(headers_middleware)
    aiohttp_session.setup(app, storage)
    app.middlewares.append(errors_middleware)
    app.middlewares.append(csrf_middleware)
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(["html"], default=True),
        context_processors=[aiohttp_jinja2.request_processor],
    )
    environment.filters.update(template_filters())
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_rasa_api)
    app.on_shutdown.append(_closing)
    add_routes(app, HERE / "static")
    return app
