"""The one settings loader: every KEFU_* environment variable, its default, and its validation.

The CRM's own variables (database, demo seed) are read by `crm_store.settings`, which this
loader calls; every other process gets its values from here, through the launcher: the action
server and the Rasa server as environment variables, the guard through `credentials.yml`.
"""

from __future__ import annotations

import ipaddress
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crm_store.opening_hours import (
    DEFAULT_OPENING_HOURS,
    DEFAULT_TIMEZONE,
    parse_opening_hours,
)
from crm_store.settings import (
    DEFAULT_DATABASE_URL,
    URL_HINT,
    DatabaseSettings,
    SettingsError,
    database_url,
    load_database_settings,
    positive_float,
    positive_int,
    read_setting,
)
from kefu.messaging import ENV_TELEGRAM_WEBHOOK_SECRET, MessagingSettings, load_messaging
from kefu.paths import REPO_ROOT, VAR_DIR
from kefu.profile import (
    EMBEDDED,
    ENV_PROFILE,
    PRODUCTION,
    ProductionSettings,
    check_production_databases,
    load_production,
    profile_name,
)

__all__ = ["Secrets", "Settings", "SettingsError", "load_settings", "loads_demo_data"]

ENV_TRACKER_DATABASE_URL = "KEFU_TRACKER_DATABASE_URL"
ENV_RASA_PORT = "KEFU_RASA_PORT"
ENV_ACTION_PORT = "KEFU_ACTION_PORT"
ENV_RASA_API = "KEFU_RASA_API"
ENV_RASA_JWT_SECRET = "KEFU_RASA_JWT_SECRET"
ENV_REST_TOKEN = "KEFU_REST_TOKEN"
ENV_ACTION_SERVER_TOKEN = "KEFU_ACTION_SERVER_TOKEN"
ENV_CHAT_SECRET = "KEFU_CHAT_SECRET"
ENV_DEMO_DATA = "KEFU_DEMO_DATA"
ENV_REVERIFY_MINUTES = "KEFU_REVERIFY_MINUTES"
ENV_MAX_MESSAGE_CHARS = "KEFU_MAX_MESSAGE_CHARS"
ENV_REPLY_TIMEOUT_SECONDS = "KEFU_REPLY_TIMEOUT_SECONDS"
ENV_TURNS_AT_ONCE = "KEFU_TURNS_AT_ONCE"
ENV_CONVERSATION_IDLE_MINUTES = "KEFU_CONVERSATION_IDLE_MINUTES"
ENV_MODELS_DIR = "KEFU_MODELS_DIR"
ENV_CONSOLE_HOST = "KEFU_CONSOLE_HOST"
ENV_CONSOLE_PORT = "KEFU_CONSOLE_PORT"
ENV_CONSOLE_SECRET = "KEFU_CONSOLE_SECRET"
ENV_CONSOLE_SECURE_COOKIES = "KEFU_CONSOLE_SECURE_COOKIES"
ENV_OPENING_HOURS = "KEFU_OPENING_HOURS"
ENV_OPENING_TIMEZONE = "KEFU_OPENING_TIMEZONE"
ENV_CHAT_SOCKET_URL = "KEFU_CHAT_SOCKET_URL"
ENV_CHAT_ORIGINS = "KEFU_CHAT_ORIGINS"
ENV_TRUSTED_PROXIES = "KEFU_TRUSTED_PROXIES"

DEFAULT_TRACKER_DATABASE_URL = f"sqlite:///{VAR_DIR / 'tracker.db'}"
DEFAULT_RASA_PORT = 5005
DEFAULT_ACTION_PORT = 5055
DEFAULT_MAX_MESSAGE_CHARS = 1000
DEFAULT_REPLY_TIMEOUT_SECONDS = 2.8
# Turns a Rasa server works on at once (bot/admission.py); the rest wait their turn in order.
# 0: no gate, every turn at once. Off by default: on a quiet machine no setting measured better
# than none, and on a saturated one the gate turns silent waiting into "taking longer" replies
# (bench/README.md, "Load").
DEFAULT_TURNS_AT_ONCE = 0
DEFAULT_CONVERSATION_IDLE_MINUTES = 30.0
DEFAULT_MODELS_DIR = REPO_ROOT / "models"
DEFAULT_REVERIFY_MINUTES = 5.0
DEFAULT_CONSOLE_HOST = "127.0.0.1"
DEFAULT_CONSOLE_PORT = 8000
# The production profile's nginx runs on loopback in front of the Rasa servers.
LOOPBACK_PROXIES = ("127.0.0.1/32", "::1/128")


@dataclass(frozen=True)
class Secrets:
    """Shared secrets; each one unset here is generated into var/ by the launcher."""

    rest_token: str | None = None
    action_server_token: str | None = None
    chat_secret: str | None = None
    rasa_jwt_secret: str | None = None
    # The console's session cookies are encrypted with a key derived from it.
    console_secret: str | None = None
    # Sent back by Telegram with every webhook call (bot/messaging.py checks it).
    telegram_webhook_secret: str | None = None


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    tracker_database_url: str = DEFAULT_TRACKER_DATABASE_URL
    rasa_port: int = DEFAULT_RASA_PORT
    action_port: int = DEFAULT_ACTION_PORT
    secrets: Secrets = field(default_factory=Secrets)
    # Rasa's own HTTP API, JWT-protected (never a static token), on loopback: the console's live
    # handoff pauses the bot and sends agents' replies through it. Off: no live handoff.
    rasa_api: bool = True
    # Demo customers and orders: loaded into the embedded SQLite default only, unless asked.
    demo_data: bool | None = None
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    reply_timeout_seconds: float = DEFAULT_REPLY_TIMEOUT_SECONDS
    turns_at_once: int = DEFAULT_TURNS_AT_ONCE
    conversation_idle_minutes: float = DEFAULT_CONVERSATION_IDLE_MINUTES
    models_dir: Path = DEFAULT_MODELS_DIR
    # Contact details change only with a proof of identity at most this old.
    reverify_minutes: float = DEFAULT_REVERIFY_MINUTES
    # The console (python -m console): loopback unless configured; Secure cookies unless off
    # (off only behind plain HTTP on a trusted network: browsers then drop Secure cookies).
    console_host: str = DEFAULT_CONSOLE_HOST
    console_port: int = DEFAULT_CONSOLE_PORT
    console_secure_cookies: bool = True
    # When agents answer (crm_store/opening_hours.py): a customer handed off outside these
    # hours is told when the team is back.
    opening_hours: str = DEFAULT_OPENING_HOURS
    opening_timezone: str = DEFAULT_TIMEZONE
    # The web chat (GET /chat on the console): the Rasa server's URL as browsers reach it (None:
    # http://127.0.0.1:<KEFU_RASA_PORT>), and the other sites that may embed the chat and open
    # its socket (a shop's own site, e.g. https://shop.example), besides the console itself.
    chat_socket_url: str | None = None
    chat_origins: tuple[str, ...] = ()
    # The reverse proxies whose X-Forwarded-For names the web channels' client (who is counted
    # for the identification limit per client); None: the profile's (loopback in production,
    # where nginx is in front, none in the embedded default, where customers connect directly).
    trusted_proxies: tuple[str, ...] | None = None
    # KEFU_PROFILE: "embedded" (the default) or "production" (kefu/profile.py).
    profile: str = EMBEDDED
    production: ProductionSettings = field(default_factory=ProductionSettings)
    # Telegram, Slack, Messenger: each on when its KEFU_* variables are set (kefu/messaging.py).
    messaging: MessagingSettings = field(default_factory=lambda: MessagingSettings({}))

    @property
    def is_production(self) -> bool:
        return self.profile == PRODUCTION

    @property
    def proxies(self) -> tuple[str, ...]:
        """The trusted reverse proxies in effect (KEFU_TRUSTED_PROXIES, else the profile's)."""
        if self.trusted_proxies is not None:
            return self.trusted_proxies
        return LOOPBACK_PROXIES if self.is_production else ()

    @property
    def chat_url(self) -> str:
        """Where browsers open the Rasa server's socket.io channel."""
        return self.chat_socket_url or f"http://127.0.0.1:{self.rasa_port}"

    @property
    def console_origins(self) -> tuple[str, ...]:
        """The console's own origins as a browser on this machine names them."""
        if self.console_host in ("127.0.0.1", "localhost", "0.0.0.0", "::", "::1"):
            hosts = ["127.0.0.1", "localhost"]
        else:
            hosts = [self.console_host]
        return tuple(f"http://{host}:{self.console_port}" for host in hosts)


def _port(value: str) -> int:
    port = int(value)
    if not 1 <= port <= 65535:
        raise ValueError(value)
    return port


def _whole_number(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _on_off(value: str) -> bool:
    if value.lower() in {"on", "true", "1", "yes"}:
        return True
    if value.lower() in {"off", "false", "0", "no"}:
        return False
    raise ValueError(value)


def _web_origin(value: str) -> str:
    """`scheme://host[:port]` of an http(s) URL, without a trailing slash or path."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(value)
    return f"{parts.scheme}://{parts.netloc}"


def _origins(value: str) -> tuple[str, ...]:
    return tuple(_web_origin(item) for item in value.replace(",", " ").split())


def _networks(value: str) -> tuple[str, ...]:
    """Addresses or networks separated by commas or spaces; `none` for none."""
    items = value.replace(",", " ").split()
    if items == ["none"]:
        return ()
    return tuple(str(ipaddress.ip_network(item, strict=False)) for item in items)


def _secret(value: str) -> str:
    if len(value) < 16:
        raise ValueError(value)
    return value


def _telegram_secret(value: str) -> str:
    # Telegram accepts only these characters in a webhook's secret token.
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value):
        raise ValueError(value)
    return value


def load_secrets(environ: Mapping[str, str] = os.environ) -> Secrets:
    """The shared secrets given in the environment (at least 16 characters each)."""
    expected = "a secret of at least 16 characters"
    return Secrets(
        rest_token=read_setting(environ, ENV_REST_TOKEN, None, _secret, expected),
        action_server_token=read_setting(environ, ENV_ACTION_SERVER_TOKEN, None, _secret, expected),
        chat_secret=read_setting(environ, ENV_CHAT_SECRET, None, _secret, expected),
        rasa_jwt_secret=read_setting(environ, ENV_RASA_JWT_SECRET, None, _secret, expected),
        console_secret=read_setting(environ, ENV_CONSOLE_SECRET, None, _secret, expected),
        telegram_webhook_secret=read_setting(
            environ,
            ENV_TELEGRAM_WEBHOOK_SECRET,
            None,
            _telegram_secret,
            "16-256 characters A-Z, a-z, 0-9, _ or -",
        ),
    )


def _minutes(environ: Mapping[str, str], name: str, default: float) -> float:
    return read_setting(environ, name, default, positive_float, "a positive number of minutes")


def _console_settings(environ: Mapping[str, str]) -> dict[str, object]:
    return {
        "console_host": read_setting(
            environ, ENV_CONSOLE_HOST, DEFAULT_CONSOLE_HOST, str, "an interface address"
        ),
        "console_port": read_setting(
            environ, ENV_CONSOLE_PORT, DEFAULT_CONSOLE_PORT, _port, "a port"
        ),
        "console_secure_cookies": read_setting(
            environ, ENV_CONSOLE_SECURE_COOKIES, True, _on_off, "on or off"
        ),
        "chat_socket_url": read_setting(
            environ,
            ENV_CHAT_SOCKET_URL,
            None,
            _web_origin,
            "an http(s) URL such as https://chat.example",
        ),
        "chat_origins": read_setting(
            environ, ENV_CHAT_ORIGINS, (), _origins, "http(s) origins separated by commas"
        ),
        "trusted_proxies": read_setting(
            environ,
            ENV_TRUSTED_PROXIES,
            None,
            _networks,
            "IP addresses or networks (e.g. 127.0.0.1, 10.0.0.0/8) separated by commas, or none",
        ),
    }


def _opening_settings(environ: Mapping[str, str]) -> dict[str, str]:
    hours = read_setting(environ, ENV_OPENING_HOURS, DEFAULT_OPENING_HOURS, str, "")
    zone = read_setting(environ, ENV_OPENING_TIMEZONE, DEFAULT_TIMEZONE, str, "")
    try:
        parse_opening_hours(hours, zone)
    except ValueError as error:
        raise SettingsError(
            f"{ENV_OPENING_HOURS} / {ENV_OPENING_TIMEZONE}: {error} "
            f"(e.g. {DEFAULT_OPENING_HOURS!r} in {DEFAULT_TIMEZONE!r})."
        ) from None
    return {"opening_hours": hours, "opening_timezone": zone}


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """Read and validate the KEFU_* variables; raise SettingsError naming the bad one."""
    settings = Settings(
        database=load_database_settings(environ),
        tracker_database_url=read_setting(
            environ, ENV_TRACKER_DATABASE_URL, DEFAULT_TRACKER_DATABASE_URL, database_url, URL_HINT
        ),
        rasa_port=read_setting(environ, ENV_RASA_PORT, DEFAULT_RASA_PORT, _port, "a port"),
        action_port=read_setting(environ, ENV_ACTION_PORT, DEFAULT_ACTION_PORT, _port, "a port"),
        secrets=load_secrets(environ),
        rasa_api=read_setting(environ, ENV_RASA_API, True, _on_off, "on or off"),
        demo_data=read_setting(environ, ENV_DEMO_DATA, None, _on_off, "on or off"),
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
        turns_at_once=read_setting(
            environ, ENV_TURNS_AT_ONCE, DEFAULT_TURNS_AT_ONCE, _whole_number, "a whole number >= 0"
        ),
        conversation_idle_minutes=_minutes(
            environ, ENV_CONVERSATION_IDLE_MINUTES, DEFAULT_CONVERSATION_IDLE_MINUTES
        ),
        models_dir=read_setting(environ, ENV_MODELS_DIR, DEFAULT_MODELS_DIR, Path, "a directory"),
        reverify_minutes=_minutes(environ, ENV_REVERIFY_MINUTES, DEFAULT_REVERIFY_MINUTES),
        **_console_settings(environ),
        **_opening_settings(environ),
        profile=read_setting(
            environ, ENV_PROFILE, EMBEDDED, profile_name, "embedded or production"
        ),
        production=load_production(environ),
        messaging=load_messaging(environ),
    )
    if settings.console_port in (settings.rasa_port, settings.action_port):
        raise SettingsError(
            f"{ENV_CONSOLE_PORT} must differ from the Rasa and action server ports "
            f"(it is {settings.console_port})."
        )
    if settings.is_production:
        check_production_databases(settings.database.url, settings.tracker_database_url)
    if settings.rasa_port == settings.action_port:
        raise SettingsError(
            f"{ENV_RASA_PORT} and {ENV_ACTION_PORT} must differ (both are {settings.rasa_port})."
        )
    return settings


def loads_demo_data(settings: Settings) -> bool:
    """KEFU_DEMO_DATA if set; otherwise only the embedded default (SQLite under var/) gets it."""
    if settings.demo_data is not None:
        return settings.demo_data
    return settings.database.url == DEFAULT_DATABASE_URL


def settings_or_say(program: str) -> Settings | None:
    """The settings; None once `program: what is wrong` is on stderr (the caller exits 2)."""
    try:
        return load_settings()
    except SettingsError as error:
        print(f"{program}: {error}", file=sys.stderr)
        return None
