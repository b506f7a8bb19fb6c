"""The application's shared state, one typed `web.AppKey` each (never a string key)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.config import ConsoleConfig
from console.similar import SimilarConversations
from console.webchat import RateLimiter

CONFIG = web.AppKey("config", ConsoleConfig)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
SIMILAR = web.AppKey("similar", SimilarConversations)
CHAT_LIMITER = web.AppKey("chat_limiter", RateLimiter)
