"""The action server's one door to the CRM: a lazy engine and one session per unit of work."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_store.db import create_engine, create_sessionmaker, describe_error, display_url
from crm_store.errors import DatabaseUnavailable
from crm_store.settings import DatabaseSettings, SettingsError, load_database_settings

logger = logging.getLogger(__name__)

T = TypeVar("T")


# What the customer is told when the CRM does not answer.
TECHNICAL_PROBLEM = "utter_technical_problem"


class CrmUnavailable(Exception):
    """The CRM did not answer (in time); the action apologises with utter_technical_problem."""


# How a flow answers one of the CRM's business errors (OrderNotFound, InvalidValue, ...), in
# the customer's language (actions/localized.py).
Refusal = Callable[[CollectingDispatcher, Exception, str], None]
# The errors a flow answers, each with its answer; the first that matches is said.
Refusals = tuple[tuple[type[Exception], Refusal], ...]


async def answer_with(
    dispatcher: CollectingDispatcher,
    work: Callable[[AsyncSession], Awaitable[T]],
    reply: Callable[[T], str],
) -> list[Any]:
    """Run `work` as one unit of work and tell the customer `reply(result)`; no events."""
    result = await run_unit_of_work(work)
    dispatcher.utter_message(text=reply(result))
    return []


def respond(response: str) -> Refusal:
    """Answer the error with one of the domain's responses."""
    # The domain's responses pick their language themselves (the `language` slot).
    return lambda dispatcher, _error, _language: dispatcher.utter_message(response=response)


def explain(reply: Callable[[Any, str], str]) -> Refusal:
    """Answer the error with a text made from it and the language (e.g. which status keeps an
    order)."""
    return lambda dispatcher, error, language: dispatcher.utter_message(text=reply(error, language))


def answer_refusal(
    dispatcher: CollectingDispatcher, error: Exception, refusals: Refusals, language: str = "en"
) -> bool:
    """Say what `refusals` says for `error` (the technical apology for CrmUnavailable); False
    if neither knows it."""
    if isinstance(error, CrmUnavailable):
        dispatcher.utter_message(response=TECHNICAL_PROBLEM)
        return True
    for kind, refusal in refusals:
        if isinstance(error, kind):
            refusal(dispatcher, error, language)
            return True
    return False


F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def apologise_when_crm_unavailable(fallback: Callable[[], Any]) -> Callable[[F], F]:
    """For a validator's or an action's async method: if the CRM does not answer, apologise
    and return `fallback()` (the slots to clear, or no events) instead."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        async def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return await method(*args, **kwargs)
            except CrmUnavailable:
                dispatcher = next(a for a in args if isinstance(a, CollectingDispatcher))
                dispatcher.utter_message(response=TECHNICAL_PROBLEM)
                return fallback()

        return guarded  # type: ignore[return-value]

    return decorate


@dataclass
class _Resources:
    settings: DatabaseSettings | None = None
    engine: AsyncEngine | None = None
    sessions: async_sessionmaker[AsyncSession] | None = None


# Filled on first use, never at import: rasa-sdk imports every module of this package before it
# decides how many workers to start, and an engine must belong to the process that uses it.
_resources = _Resources()


def current_settings() -> DatabaseSettings:
    """The CRM settings the actions use (read from KEFU_* on first use)."""
    if _resources.settings is None:
        _resources.settings = load_database_settings()
    return _resources.settings


def _sessionmaker() -> async_sessionmaker[AsyncSession]:
    if _resources.sessions is None:
        settings = current_settings()
        _resources.engine = create_engine(settings.url)
        _resources.sessions = create_sessionmaker(_resources.engine)
    return _resources.sessions


async def configure(settings: DatabaseSettings | None = None) -> None:
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
        return await asyncio.wait_for(unit(), settings.timeout_seconds)
    except asyncio.TimeoutError as error:
        logger.warning(
            "The CRM at %s gave no answer within %g s",
            display_url(settings.url),
            settings.timeout_seconds,
        )
        raise CrmUnavailable("timeout") from error
    except (SQLAlchemyError, OSError, DatabaseUnavailable) as error:
        logger.warning(
            "The CRM at %s is unavailable: %s", display_url(settings.url), describe_error(error)
        )
        raise CrmUnavailable(type(error).__name__) from error
