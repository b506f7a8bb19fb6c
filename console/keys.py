"""The application's shared state, one typed `web.AppKey` each (never a string key)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.config import ConsoleConfig
from console.rasa_api import RasaApi
from console.similar import SimilarConversations
from console.webchat import RateLimiter

CONFIG = web.AppKey("config", ConsoleConfig)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
SIMILAR = web.AppKey("similar", SimilarConversations)
# None when the console is not given Rasa's API (see ConsoleConfig.rasa_api_url).
RASA = web.AppKey("rasa", RasaApi | None)
# Set at shutdown: the queue's event streams end instead of holding the server open.
CLOSING = web.AppKey("closing", asyncio.Event)
CHAT_LIMITER = web.AppKey("chat_limiter", RateLimiter)
