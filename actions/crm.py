"""The action server's one door to the CRM: a lazy engine and one session per unit of work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_store.db import create_engine, create_sessionmaker, display_url
from crm_store.errors import DatabaseUnavailable
from crm_store.settings import Settings, SettingsError, load_settings

logger = logging.getLogger(__name__)

T = TypeVar("T")


class CrmUnavailable(Exception):
    """The CRM did not answer (in time); the action apologises with utter_technical_problem."""


@dataclass
class _Resources:
    settings: Settings | None = None
    engine: AsyncEngine | None = None
    sessions: async_sessionmaker[AsyncSession] | None = None


# Filled on first use, never at import: rasa-sdk imports every module of this package before it
# decides how many workers to start, and an engine must belong to the process that uses it.
_resources = _Resources()


def current_settings() -> Settings:
    """The settings the actions use (read from KEFU_* on first use)."""
    if _resources.settings is None:
        _resources.settings = load_settings()
    return _resources.settings


def _sessionmaker() -> async_sessionmaker[AsyncSession]:
    if _resources.sessions is None:
        settings = current_settings()
        _resources.engine = create_engine(settings.database_url)
        _resources.sessions = create_sessionmaker(_resources.engine)
    return _resources.sessions


async def configure(settings: Settings | None = None) -> None:
    """Drop the current engine; the next unit of work uses `settings` (None: read KEFU_* again)."""
    engine = _resources.engine
    _resources.engine = None
    _resources.sessions = None
    _resources.settings = settings
    if engine is not None:
        await engine.dispose()


async def dispose() -> None:
    """Close the engine's connections (action-server shutdown, end of a test)."""
    await configure(_resources.settings)


async def run_unit_of_work(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one session and transaction, within the settings' database timeout.

    The CRM's own business errors (OrderNotFound, AlreadyRated, ...) pass through for the action
    to answer; everything that means "the database is not there" becomes CrmUnavailable.
    """
    try:
        settings = current_settings()
        sessions = _sessionmaker()
    except (SettingsError, DatabaseUnavailable, SQLAlchemyError) as error:
        logger.error("The CRM is not configured correctly: %s", error)
        raise CrmUnavailable(str(error)) from error

    async def unit() -> T:
        async with sessions() as session, session.begin():
            return await work(session)

    try:
        return await asyncio.wait_for(unit(), settings.db_timeout_seconds)
    except asyncio.TimeoutError as error:
        logger.warning(
            "The CRM at %s gave no answer within %g s",
            display_url(settings.database_url),
            settings.db_timeout_seconds,
        )
        raise CrmUnavailable("timeout") from error
    except (SQLAlchemyError, OSError, DatabaseUnavailable) as error:
        logger.warning(
            "The CRM at %s is unavailable: %s", display_url(settings.database_url), _reason(error)
        )
        raise CrmUnavailable(type(error).__name__) from error


def _reason(error: BaseException) -> str:
    """One line about what went wrong, without the statement's parameters (customer data)."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
