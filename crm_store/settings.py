"""The one settings loader: every KEFU_* environment variable, its default, and its validation."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

REPO_ROOT = Path(__file__).resolve().parent.parent

ENV_DATABASE_URL = "KEFU_DATABASE_URL"
ENV_TRACKER_DATABASE_URL = "KEFU_TRACKER_DATABASE_URL"
ENV_DB_TIMEOUT_SECONDS = "KEFU_DB_TIMEOUT_SECONDS"
ENV_SEED = "KEFU_SEED"
ENV_RASA_PORT = "KEFU_RASA_PORT"
ENV_ACTION_PORT = "KEFU_ACTION_PORT"
ENV_RASA_API_TOKEN = "KEFU_RASA_API_TOKEN"
ENV_MAX_MESSAGE_CHARS = "KEFU_MAX_MESSAGE_CHARS"
ENV_REPLY_TIMEOUT_SECONDS = "KEFU_REPLY_TIMEOUT_SECONDS"
ENV_CONVERSATION_IDLE_MINUTES = "KEFU_CONVERSATION_IDLE_MINUTES"
ENV_MODELS_DIR = "KEFU_MODELS_DIR"

DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'kefu.db'}"
DEFAULT_TRACKER_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'tracker.db'}"
DEFAULT_DB_TIMEOUT_SECONDS = 2.0
DEFAULT_SEED = 7
DEFAULT_RASA_PORT = 5005
DEFAULT_ACTION_PORT = 5055
DEFAULT_MAX_MESSAGE_CHARS = 1000
DEFAULT_REPLY_TIMEOUT_SECONDS = 2.8
DEFAULT_CONVERSATION_IDLE_MINUTES = 30.0
DEFAULT_MODELS_DIR = REPO_ROOT / "models"

# The plain (sync) URL schemes we accept; crm_store.db derives the async drivers from them.
_URL_SCHEMES = ("sqlite", "postgresql", "postgres")

T = TypeVar("T")


class SettingsError(ValueError):
    """A KEFU_* variable has a value we cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    tracker_database_url: str
    db_timeout_seconds: float = DEFAULT_DB_TIMEOUT_SECONDS
    seed: int = DEFAULT_SEED
    rasa_port: int = DEFAULT_RASA_PORT
    action_port: int = DEFAULT_ACTION_PORT
    rasa_api_token: str | None = None
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    reply_timeout_seconds: float = DEFAULT_REPLY_TIMEOUT_SECONDS
    conversation_idle_minutes: float = DEFAULT_CONVERSATION_IDLE_MINUTES
    models_dir: Path = DEFAULT_MODELS_DIR


def _read(
    environ: Mapping[str, str], name: str, default: T, parse: Callable[[str], T], expected: str
) -> T:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be {expected}, got {raw!r}.") from None


def _url(value: str) -> str:
    scheme = value.split(":", 1)[0].split("+", 1)[0].lower()
    if "://" not in value or scheme not in _URL_SCHEMES:
        raise ValueError(value)
    return value


def _positive_float(value: str) -> float:
    number = float(value)
    if not number > 0 or number == float("inf"):
        raise ValueError(value)
    return number


def _port(value: str) -> int:
    port = int(value)
    if not 1 <= port <= 65535:
        raise ValueError(value)
    return port


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """Read and validate the KEFU_* variables; raise SettingsError naming the bad one."""
    url_hint = "a database URL like sqlite:///path/to/file.db or postgresql://user@host:5432/db"
    settings = Settings(
        database_url=_read(environ, ENV_DATABASE_URL, DEFAULT_DATABASE_URL, _url, url_hint),
        tracker_database_url=_read(
            environ, ENV_TRACKER_DATABASE_URL, DEFAULT_TRACKER_DATABASE_URL, _url, url_hint
        ),
        db_timeout_seconds=_read(
            environ,
            ENV_DB_TIMEOUT_SECONDS,
            DEFAULT_DB_TIMEOUT_SECONDS,
            _positive_float,
            "a positive number of seconds",
        ),
        seed=_read(environ, ENV_SEED, DEFAULT_SEED, int, "a whole number"),
        rasa_port=_read(environ, ENV_RASA_PORT, DEFAULT_RASA_PORT, _port, "a port (1-65535)"),
        action_port=_read(environ, ENV_ACTION_PORT, DEFAULT_ACTION_PORT, _port, "a port (1-65535)"),
        rasa_api_token=_read(environ, ENV_RASA_API_TOKEN, None, str, "a token"),
        max_message_chars=_read(
            environ,
            ENV_MAX_MESSAGE_CHARS,
            DEFAULT_MAX_MESSAGE_CHARS,
            _positive_int,
            "a positive whole number",
        ),
        reply_timeout_seconds=_read(
            environ,
            ENV_REPLY_TIMEOUT_SECONDS,
            DEFAULT_REPLY_TIMEOUT_SECONDS,
            _positive_float,
            "a positive number of seconds",
        ),
        conversation_idle_minutes=_read(
            environ,
            ENV_CONVERSATION_IDLE_MINUTES,
            DEFAULT_CONVERSATION_IDLE_MINUTES,
            _positive_float,
            "a positive number of minutes",
        ),
        models_dir=_read(environ, ENV_MODELS_DIR, DEFAULT_MODELS_DIR, Path, "a directory"),
    )
    if settings.rasa_port == settings.action_port:
        raise SettingsError(
            f"{ENV_RASA_PORT} and {ENV_ACTION_PORT} must differ (both are {settings.rasa_port})."
        )
    return settings
