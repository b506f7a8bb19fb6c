"""The one settings loader: every KEFU_* environment variable, its default, and its validation.

The CRM's own variables (database, demo seed) are read by `crm_store.settings`, which this
loader calls; every other process gets its values from here, through the launcher: the action
server and the Rasa server as environment variables, the guard through `credentials.yml`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from crm_store.settings import (
    URL_HINT,
    DatabaseSettings,
    SettingsError,
    database_url,
    load_database_settings,
    positive_float,
    positive_int,
    read_setting,
)
from kefu.paths import REPO_ROOT, VAR_DIR

__all__ = ["Settings", "SettingsError", "load_settings"]

ENV_TRACKER_DATABASE_URL = "KEFU_TRACKER_DATABASE_URL"
ENV_RASA_PORT = "KEFU_RASA_PORT"
ENV_ACTION_PORT = "KEFU_ACTION_PORT"
ENV_RASA_API_TOKEN = "KEFU_RASA_API_TOKEN"
ENV_MAX_MESSAGE_CHARS = "KEFU_MAX_MESSAGE_CHARS"
ENV_REPLY_TIMEOUT_SECONDS = "KEFU_REPLY_TIMEOUT_SECONDS"
ENV_CONVERSATION_IDLE_MINUTES = "KEFU_CONVERSATION_IDLE_MINUTES"
ENV_MODELS_DIR = "KEFU_MODELS_DIR"

DEFAULT_TRACKER_DATABASE_URL = f"sqlite:///{VAR_DIR / 'tracker.db'}"
DEFAULT_RASA_PORT = 5005
DEFAULT_ACTION_PORT = 5055
DEFAULT_MAX_MESSAGE_CHARS = 1000
DEFAULT_REPLY_TIMEOUT_SECONDS = 2.8
DEFAULT_CONVERSATION_IDLE_MINUTES = 30.0
DEFAULT_MODELS_DIR = REPO_ROOT / "models"


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    tracker_database_url: str = DEFAULT_TRACKER_DATABASE_URL
    rasa_port: int = DEFAULT_RASA_PORT
    action_port: int = DEFAULT_ACTION_PORT
    rasa_api_token: str | None = None
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    reply_timeout_seconds: float = DEFAULT_REPLY_TIMEOUT_SECONDS
    conversation_idle_minutes: float = DEFAULT_CONVERSATION_IDLE_MINUTES
    models_dir: Path = DEFAULT_MODELS_DIR


def _port(value: str) -> int:
    port = int(value)
    if not 1 <= port <= 65535:
        raise ValueError(value)
    return port


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """Read and validate the KEFU_* variables; raise SettingsError naming the bad one."""
    settings = Settings(
        database=load_database_settings(environ),
        tracker_database_url=read_setting(
            environ, ENV_TRACKER_DATABASE_URL, DEFAULT_TRACKER_DATABASE_URL, database_url, URL_HINT
        ),
        rasa_port=read_setting(environ, ENV_RASA_PORT, DEFAULT_RASA_PORT, _port, "a port"),
        action_port=read_setting(environ, ENV_ACTION_PORT, DEFAULT_ACTION_PORT, _port, "a port"),
        rasa_api_token=read_setting(environ, ENV_RASA_API_TOKEN, None, str, "a token"),
        max_message_chars=read_setting(
            environ,
            ENV_MAX_MESSAGE_CHARS,
            DEFAULT_MAX_MESSAGE_CHARS,
            positive_int,
            "a positive whole number",
        ),
        reply_timeout_seconds=read_setting(
            environ,
            ENV_REPLY_TIMEOUT_SECONDS,
            DEFAULT_REPLY_TIMEOUT_SECONDS,
            positive_float,
            "a positive number of seconds",
        ),
        conversation_idle_minutes=read_setting(
            environ,
            ENV_CONVERSATION_IDLE_MINUTES,
            DEFAULT_CONVERSATION_IDLE_MINUTES,
            positive_float,
            "a positive number of minutes",
        ),
        models_dir=read_setting(environ, ENV_MODELS_DIR, DEFAULT_MODELS_DIR, Path, "a directory"),
    )
    if settings.rasa_port == settings.action_port:
        raise SettingsError(
            f"{ENV_RASA_PORT} and {ENV_ACTION_PORT} must differ (both are {settings.rasa_port})."
        )
    return settings
