"""Rasa's REST and socket.io channels behind the input guard (`bot/guard.py`), authenticated.

They sit where Rasa's own `rest` and `socketio` channels sit, under the same names and URLs;
`credentials.yml` names them and gives them their limits and secrets. A sender id is never a
password: the REST channel serves trusted back ends only and wants `Authorization: Bearer
<KEFU_REST_TOKEN>`; a socket.io client must present a session token the server issued (a JWT
signed with KEFU_CHAT_SECRET, whose `sid` claim is the conversation), and its messages go to
that conversation whatever session id the client names.

With several Rasa servers (the production profile) a customer's socket lives on one of them,
while an agent's reply may be appended through another's HTTP API: given `socket_redis_url`,
every server shares its socket.io emits through Redis (python-socketio's AsyncRedisManager),
so the server that holds the socket delivers them. python-socketio subscribes a server to the
Redis channel only when its first socket connects, and the subscription completes a moment
later: a reply sent through another server in that moment (or to a socket the first one brings)
was lost. Each server subscribes when it starts instead (`listen_from_the_start`).

Both count a customer by the address they connect from (the identification form's limit per
client): the peer's, or behind the reverse proxies named in `trusted_proxies`
(KEFU_TRUSTED_PROXIES) the one those proxies put into X-Forwarded-For (bot/client_address.py).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

import jwt
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer
from socketio.exceptions import ConnectionRefusedError

from bot.client_address import FORWARDED_FOR, Network, client_address, trusted_networks
from bot.guard import AppHolder, OnNewMessage, run_guarded_turn
from bot.screening import CONTROL_CHARACTERS, GuardLimits, client_key, readable

logger = logging.getLogger(__name__)

# Rasa's SQL tracker store keeps sender ids in a String(255) column.
MAX_SENDER_CHARS = 255
# A socket.io frame carries one message: the same bound as an HTTP request body.
MAX_SOCKET_BYTES = 64 * 1024
SESSION_TOKEN_ALGORITHM = "HS256"
# python-socketio's own default channel name; credentials.yml sets a prefixed one.
DEFAULT_SOCKET_CHANNEL = "socketio"


def _secret(credentials: dict[str, Any] | None, key: str) -> str:
    value = str((credentials or {}).get(key) or "")
    if len(value) < 16:
        raise ValueError(
            f"The guarded channel needs {key} (16+ characters) in credentials.yml "
            "(the launcher sets it from KEFU_* settings)."
        )
    return value


def socket_manager(redis_url: str, channel: str) -> AsyncRedisManager | None:
    """Where socket.io emits go: through Redis to every Rasa server when a URL is given (each
    server delivers to the sockets it holds), else None, python-socketio's in-process manager
    (one server, as in the embedded default). The channel must be the same on every server."""
    if not redis_url.strip():
        return None
    return AsyncRedisManager(redis_url.strip(), channel=channel or DEFAULT_SOCKET_CHANNEL)


def _trusted_proxies(credentials: dict[str, Any] | None) -> tuple[Network, ...]:
    value = (credentials or {}).get("trusted_proxies")
    try:
        return trusted_networks(str(value or ""))
    except ValueError as error:
        raise ValueError(
            f"The guarded channel's trusted_proxies in credentials.yml: {error} "
            "(the launcher sets them from KEFU_TRUSTED_PROXIES)."
        ) from None


def request_client(request: Request | None, trusted: tuple[Network, ...]) -> str | None:
    """The one-way key of the client of a request: its address as bot/client_address.py reads
    it from the peer and, from trusted proxies only, X-Forwarded-For."""
    if request is None:
        return None
    forwarded = request.headers.getall(FORWARDED_FOR, [])
    return client_key(client_address(request.ip, forwarded, trusted))


def listen_from_the_start(sio: AsyncServer) -> None:
    """Start the manager's listener (the Redis subscription) now, as python-socketio would at
    the first connection; it starts it only once, whichever comes first."""
    if not sio.manager_initialized:
        sio.manager_initialized = True
        sio.manager.initialize()


async def stop_listening(sio: AsyncServer) -> None:
    """Cancel the listener when the server stops (it holds a Redis connection subscribed)."""
    listener = getattr(sio.manager, "thread", None)
    if isinstance(listener, asyncio.Task) and not listener.done():
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)


def listen_while_serving(blueprint: Blueprint, sio: AsyncServer) -> None:
    """Subscribe when the server starts, unsubscribe when it stops."""

    @blueprint.listener("before_server_start")
    async def listen(_app: Sanic, _loop: Any) -> None:
        listen_from_the_start(sio)

    @blueprint.listener("after_server_stop")
    async def stop(_app: Sanic, _loop: Any) -> None:
        await stop_listening(sio)


def valid_sender(sender: Any) -> bool:
    return (
        isinstance(sender, str)
        and bool(sender.strip())
        and len(sender) <= MAX_SENDER_CHARS
        and readable(sender)
        and not CONTROL_CHARACTERS.search(sender)
    )


def _error(status: int, error: str, message: str) -> HTTPResponse:
    return response.json({"error": error, "message": message}, status=status)


class GuardedRestInput(RestInput):
    """Rasa's REST channel (`/webhooks/rest/webhook`) behind the guard and a bearer token."""

    def __init__(
        self, limits: GuardLimits, token: str, trusted_proxies: tuple[Network, ...] = ()
    ) -> None:
        self.limits = limits
        self.expected = f"Bearer {token}".encode()
        self.trusted_proxies = trusted_proxies
        self.apps = AppHolder()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        return cls(
            GuardLimits.from_credentials(credentials),
            _secret(credentials, "rest_token"),
            _trusted_proxies(credentials),
        )

    @classmethod
    def name(cls) -> str:
        return "rest"

    def _message(self, request: Request) -> UserMessage | HTTPResponse:
        """The customer message in a request, or the 4xx answer it deserves."""
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, self.expected):
            return _error(401, "unauthorized", "The REST channel needs its bearer token.")
        try:
            body = request.json
        except Exception:
            return _error(400, "malformed_json", "The request body is not valid JSON.")
        if not isinstance(body, dict):
            return _error(400, "malformed_request", "Send a JSON object with sender and message.")
        sender = body.get("sender")
        if not isinstance(sender, str) or not sender.strip():
            return _error(400, "missing_sender", "Every message needs a non-empty 'sender' id.")
        if not valid_sender(sender):
            return _error(
                400,
                "invalid_sender",
                f"The 'sender' id must be at most {MAX_SENDER_CHARS} printable characters.",
            )
        text = body.get("message", "")
        if not isinstance(text, str | None):
            return _error(400, "invalid_message", "'message' must be a string.")
        metadata = body.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            return _error(400, "invalid_metadata", "'metadata' must be a JSON object.")
        return UserMessage(
            text or "",
            CollectingOutputChannel(),
            sender,
            input_channel=self.name(),
            metadata=metadata,
        )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("kefu_guarded_rest", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            message = self._message(request)
            if isinstance(message, HTTPResponse):
                return message
            collector = message.output_channel
            client = request_client(request, self.trusted_proxies)
            await run_guarded_turn(on_new_message, message, self.limits, self.apps, client=client)
            return response.json(collector.messages)  # type: ignore[attr-defined]

        return self.apps.attach(webhook)


# An agent's reply (appended by the console through Rasa's HTTP API) carries the agent's name
# in its metadata under this key; the chat page shows it as a person's message.
AGENT_NAME_KEY = "kefu_agent_name"


class KefuSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, except that an agent's reply goes out whole and marked as a
    person's: `{"text": ..., "metadata": {"agent": name}}` (Rasa's drops the metadata)."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        agent = kwargs.get(AGENT_NAME_KEY)
        if not isinstance(agent, str) or not agent:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        await self._send_message(recipient_id, {"text": text, "metadata": {"agent": agent}})


class GuardedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel behind the guard, with server-issued session tokens.

    Same events and path as Rasa's. The client connects with `auth: {token}`; `session_request`
    confirms the token's session (never one the client names), and every message of that
    socket belongs to it. Replies go to the session's room, so every tab of the same session
    sees them, and no other client can join it.
    """

    limits: GuardLimits
    session_secret: str
    cors_origins: list[str]
    redis_url: str = ""
    redis_channel: str = DEFAULT_SOCKET_CHANNEL
    trusted_proxies: tuple[Network, ...] = ()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedSocketIOInput:
        channel = super().from_credentials(credentials)
        assert isinstance(channel, GuardedSocketIOInput)
        channel.limits = GuardLimits.from_credentials(credentials)
        channel.session_secret = _secret(credentials, "session_secret")
        channel.trusted_proxies = _trusted_proxies(credentials)
        origins = (credentials or {}).get("cors_origins") or ""
        channel.cors_origins = [o.strip() for o in str(origins).split(",") if o.strip()]
        # Empty in the embedded default (one server); the production profile sets both.
        channel.redis_url = str((credentials or {}).get("socket_redis_url") or "")
        channel.redis_channel = str(
            (credentials or {}).get("socket_redis_channel") or DEFAULT_SOCKET_CHANNEL
        )
        return channel

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> KefuSocketIOOutput | None:
        """What Rasa's HTTP API sends through (`?output_channel=socketio`): agents' replies."""
        if getattr(self, "sio", None) is None:
            return None
        return KefuSocketIOOutput(self.sio, self.bot_message_evt)

    def session_of(self, token: Any) -> str | None:
        """The session a token was issued for, or None for a missing, forged or expired one."""
        if not isinstance(token, str):
            return None
        try:
            claims = jwt.decode(
                token,
                self.session_secret,
                algorithms=[SESSION_TOKEN_ALGORITHM],
                options={"require": ["sid", "exp"]},
            )
        except jwt.PyJWTError:
            return None
        session = claims.get("sid")
        return session if valid_sender(session) else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=self.cors_origins,
            max_http_buffer_size=MAX_SOCKET_BYTES,
            client_manager=socket_manager(self.redis_url, self.redis_channel),
        )
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        listen_while_serving(blueprint, sio)
        self.sio = sio
        apps = AppHolder()
        sessions: dict[str, tuple[str, str | None]] = {}

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: Any) -> bool:
            session = self.session_of((auth or {}).get("token") if isinstance(auth, dict) else None)
            if session is None:
                logger.info("socket.io connection without a valid session token refused")
                raise ConnectionRefusedError("a valid session token is needed")
            sessions[sid] = (
                session,
                request_client(environ.get("sanic.request"), self.trusted_proxies),
            )
            await sio.enter_room(sid, session, namespace=self.namespace)
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            sessions.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, _data: Any) -> None:
            if sid in sessions:
                session = sessions[sid][0]
                await sio.emit("session_confirm", session, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if sid not in sessions or not isinstance(data, dict):
                return
            session, client = sessions[sid]
            metadata = data.get(self.metadata_key)
            text = data.get("message")
            message = UserMessage(
                text if isinstance(text, str) else "",
                KefuSocketIOOutput(sio, self.bot_message_evt),
                session,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else None,
            )
            await run_guarded_turn(on_new_message, message, self.limits, apps, client=client)

        return apps.attach(blueprint)
