"""The web chat's session tokens, and how many a client may ask for.

A token is what the Rasa server's socket.io channel (bot/channels.py) accepts: a JWT signed
(HS256) with the chat secret whose `sid` claim is the conversation, with an expiry. The console
issues a new conversation to anyone on its chat page, and renews the token of a browser that
presents a still-valid one, so the conversation goes on after a reload or a day away.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import jwt

ALGORITHM = "HS256"
# Conversation ids of the web chat: recognisable in the console, unguessable, 28 characters.
SESSION_PREFIX = "web-"
MAX_TOKEN_CHARS = 2048


@dataclass(frozen=True)
class ChatSession:
    token: str
    session_id: str
    expires_at: datetime


def new_session_id() -> str:
    return SESSION_PREFIX + secrets.token_urlsafe(18)


def issue(
    secret: str, lifetime_seconds: int, session_id: str | None = None, now: float | None = None
) -> ChatSession:
    """A token for `session_id` (a new conversation when None), valid `lifetime_seconds`."""
    issued = int(time.time() if now is None else now)
    expires = issued + lifetime_seconds
    session_id = session_id or new_session_id()
    token = jwt.encode({"sid": session_id, "iat": issued, "exp": expires}, secret, ALGORITHM)
    return ChatSession(token, session_id, datetime.fromtimestamp(expires, timezone.utc))


def session_of(secret: str, token: object) -> str | None:
    """The conversation of a valid token of ours; None for a missing, forged or expired one."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        return None
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["sid", "exp"]}
        )
    except jwt.PyJWTError:
        return None
    session_id = claims.get("sid")
    if not isinstance(session_id, str) or not session_id.startswith(SESSION_PREFIX):
        return None
    return session_id


class RateLimiter:
    """At most `per_minute` requests per client in any 60 seconds (a sliding window).

    In memory, per console process: enough to stop one client from minting conversations in a
    loop. The clients' table is bounded; the least recently seen are forgotten first.
    """

    WINDOW_SECONDS = 60.0

    def __init__(
        self,
        per_minute: int,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.max_clients = max_clients
        self.clock = clock
        self.seen: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, client: str) -> float:
        """0 when `client` may go ahead now (and counts it); else the seconds to wait."""
        now = self.clock()
        times = self.seen.pop(client, None) or deque()
        while times and now - times[0] >= self.WINDOW_SECONDS:
            times.popleft()
        self.seen[client] = times  # now the most recently seen
        while len(self.seen) > self.max_clients:
            self.seen.popitem(last=False)
        if len(times) >= self.per_minute:
            return self.WINDOW_SECONDS - (now - times[0])
        times.append(now)
        return 0.0
