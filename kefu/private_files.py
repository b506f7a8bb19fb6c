"""var/ as a private folder: created 0700, its files 0600, secrets generated into it once.

Every secret the processes share (the REST channel's token, the action server's token, the
web chat's signing key, the Rasa API's JWT secret) comes from its KEFU_* variable, or else from
a file the launcher generates here on the first run and reads on later ones.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from kefu.paths import VAR_DIR
from kefu.settings import Secrets

SECRET_FILES = {
    "rest_token": "rest-token",
    "action_server_token": "action-server-token",
    "chat_secret": "chat-secret",
    "rasa_jwt_secret": "rasa-jwt-secret",
    "console_secret": "console-secret",
    "telegram_webhook_secret": "telegram-webhook-secret",
}


def private_dir(path: Path = VAR_DIR) -> Path:
    """`path`, created if needed, readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private(path: Path, text: str) -> None:
    """Write `text` to a file only its owner can read, even for an instant."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    path.chmod(0o600)


def stored_secret(name: str, folder: Path = VAR_DIR, create: bool = True) -> str | None:
    """The secret kept in folder/<file>; generated first when `create` (None if absent)."""
    path = folder / SECRET_FILES[name]
    if not path.exists():
        if not create:
            return None
        write_private(private_dir(folder) / SECRET_FILES[name], secrets.token_urlsafe(32))
    return path.read_text(encoding="utf-8").strip()


def client_rest_token(given: Secrets, folder: Path = VAR_DIR) -> str | None:
    """The REST channel's token for a client of the running system (None before a first run)."""
    return given.rest_token or stored_secret("rest_token", folder, create=False)


def resolve_secrets(given: Secrets, folder: Path = VAR_DIR) -> Secrets:
    """Every secret: the one given in the environment, else the one kept in `folder`."""
    return Secrets(
        **{name: getattr(given, name) or stored_secret(name, folder) for name in SECRET_FILES}
    )
