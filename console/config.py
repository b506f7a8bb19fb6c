"""What the console needs to run, given by its caller (`python -m console` reads kefu.settings)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

SESSION_COOKIE = "kefu_console"


@dataclass(frozen=True)
class ConsoleConfig:
    database_url: str
    # Any string of 16+ characters; the cookie key is derived from it (see cookie_key).
    secret: str
    # Off only for plain-HTTP test clients, which do not send Secure cookies back.
    secure_cookies: bool = True
    session_max_age_seconds: int = 8 * 3600
    # How many recent conversations the similar-conversation index holds, and how long it lives.
    similar_pool: int = 5000
    similar_max_age_seconds: float = 600.0
    # The live handoff talks to Rasa's HTTP API (pause, agent replies, resume): its URL and the
    # JWT secret the Rasa server checks. None: taking conversations is refused with a clear 503.
    rasa_api_url: str | None = None
    rasa_jwt_secret: str | None = None
    # How often the queue's event stream looks for changes made by other processes.
    queue_poll_seconds: float = 1.0
    # The customer web chat (GET /chat): the key that signs its session tokens (None: no chat),
    # the Rasa server's URL as browsers reach it, and the sites allowed to embed the page.
    chat_secret: str | None = None
    chat_socket_url: str = "http://127.0.0.1:5005"
    chat_embed_origins: tuple[str, ...] = ()
    # A token lives this long; the page renews it while the conversation goes on.
    chat_token_seconds: int = 24 * 3600
    # New or renewed tokens per client address and minute (POST /chat/session).
    chat_sessions_per_minute: int = 20

    def cookie_key(self) -> bytes:
        """32 bytes for the encrypted cookie storage (Fernet), whatever the secret's form."""
        return hashlib.sha256(b"kefu-console-cookie:" + self.secret.encode()).digest()
