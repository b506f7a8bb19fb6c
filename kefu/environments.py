"""What each server process is given in its environment: the Rasa server (read by endpoints.yml
and credentials.yml), the action server and the console, from the one settings loader and the
resolved secrets. The launcher, the test stacks and the benchmarks start processes with these.
"""

from __future__ import annotations

import json

from crm_store.opening_hours import OpeningHours, parse_opening_hours
from crm_store.opening_hours_text import opening_hours_texts
from kefu.messaging import messaging_environment
from kefu.profile import socket_environment
from kefu.settings import Secrets, Settings

# Request bodies larger than this get HTTP 413 from the Rasa server (Sanic's own limit is
# 100 MB); a customer message is at most KEFU_MAX_MESSAGE_CHARS characters anyway.
MAX_REQUEST_BYTES = 64 * 1024


def rasa_side_environment(settings: Settings, secrets: Secrets) -> dict[str, str]:
    """What endpoints.yml and credentials.yml read inside the Rasa process (resolved secrets)."""
    env = {
        "KEFU_ACTION_ENDPOINT_URL": f"http://127.0.0.1:{settings.action_port}/webhook",
        "KEFU_ACTION_SERVER_TOKEN": str(secrets.action_server_token),
        "KEFU_TRACKER_DATABASE_URL": settings.tracker_database_url,
        "KEFU_MAX_MESSAGE_CHARS": str(settings.max_message_chars),
        "KEFU_REPLY_TIMEOUT_SECONDS": str(settings.reply_timeout_seconds),
        # The FAQ's answer names the configured hours (bot/responses.py), as the handoff does.
        "KEFU_OPENING_HOURS_TEXT": json.dumps(opening_hours_texts(_opening_hours(settings))),
        "KEFU_TURNS_AT_ONCE": str(settings.turns_at_once),
        "KEFU_REST_TOKEN": str(secrets.rest_token),
        "KEFU_CHAT_SECRET": str(secrets.chat_secret),
        # The web chat's pages (the console's /chat, embedding shops) may open the socket.
        "KEFU_CHAT_ORIGINS": ",".join(chat_origins(settings)),
        # Whose X-Forwarded-For names the client (bot/client_address.py); empty: nobody's.
        "KEFU_TRUSTED_PROXIES": ",".join(settings.proxies),
        "SANIC_REQUEST_MAX_SIZE": str(MAX_REQUEST_BYTES),
        **socket_environment(None),  # one server; the production profile shares through Redis
    }
    if settings.rasa_api:
        env["KEFU_RASA_JWT_SECRET"] = str(secrets.rasa_jwt_secret)
    env.update(messaging_environment(settings.messaging, secrets.telegram_webhook_secret))
    return env


def _opening_hours(settings: Settings) -> OpeningHours:
    return parse_opening_hours(settings.opening_hours, settings.opening_timezone)


def action_side_environment(settings: Settings, secrets: Secrets) -> dict[str, str]:
    """What the action server reads: the CRM's own settings and its token."""
    return {
        "KEFU_DATABASE_URL": settings.database.url,
        "KEFU_DB_TIMEOUT_SECONDS": str(settings.database.timeout_seconds),
        "KEFU_ACTION_SERVER_TOKEN": str(secrets.action_server_token),
        "KEFU_REVERIFY_MINUTES": str(settings.reverify_minutes),
        "KEFU_OPENING_HOURS": settings.opening_hours,
        "KEFU_OPENING_TIMEZONE": settings.opening_timezone,
    }


def chat_origins(settings: Settings) -> list[str]:
    """The origins whose pages may open the socket.io channel: the console's, then the shops'."""
    return list(dict.fromkeys([*settings.console_origins, *settings.chat_origins]))


def console_side_environment(settings: Settings, secrets: Secrets) -> dict[str, str]:
    """What `python -m console` reads: the CRM, where to listen, its cookie secret, and what
    the web chat page needs (the key that signs its session tokens, where its socket is)."""
    return {
        "KEFU_DATABASE_URL": settings.database.url,
        "KEFU_CONSOLE_HOST": settings.console_host,
        "KEFU_CONSOLE_SECRET": str(secrets.console_secret),
        "KEFU_CONSOLE_SECURE_COOKIES": "on" if settings.console_secure_cookies else "off",
        "KEFU_CHAT_SECRET": str(secrets.chat_secret),
        "KEFU_CHAT_SOCKET_URL": settings.chat_url,
        "KEFU_CHAT_ORIGINS": ",".join(settings.chat_origins),
        **_console_rasa_api(settings, secrets),
    }


def _console_rasa_api(settings: Settings, secrets: Secrets) -> dict[str, str]:
    """The live handoff's way to the Rasa server: its port and the JWT secret it checks."""
    if not settings.rasa_api:
        return {"KEFU_RASA_API": "off"}
    port, secret = str(settings.rasa_port), str(secrets.rasa_jwt_secret)
    return {"KEFU_RASA_API": "on", "KEFU_RASA_PORT": port, "KEFU_RASA_JWT_SECRET": secret}
