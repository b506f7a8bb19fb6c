"""Rasa's REST and socket.io channels behind the input guard (`bot/guard.py`).

They sit where Rasa's own `rest` and `socketio` channels sit, under the same names and URLs,
so clients change nothing; `credentials.yml` names them and gives the guard its limits.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.guard import (
    CONTROL_CHARACTERS,
    MAX_SENDER_CHARS,
    AppHolder,
    GuardLimits,
    OnNewMessage,
    run_guarded_turn,
)


def _bad_request(error: str, message: str) -> HTTPResponse:
    return response.json({"error": error, "message": message}, status=400)


class GuardedRestInput(RestInput):
    """Rasa's REST channel (`/webhooks/rest/webhook`) behind the input guard."""

    def __init__(self, limits: GuardLimits) -> None:
        self.limits = limits
        self.apps = AppHolder()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        return cls(GuardLimits.from_credentials(credentials))

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("kefu_guarded_rest", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:
                return _bad_request("malformed_json", "The request body is not valid JSON.")
            if not isinstance(body, dict):
                return _bad_request(
                    "malformed_request", "Send a JSON object with sender and message."
                )
            sender = body.get("sender")
            if not isinstance(sender, str) or not sender.strip():
                return _bad_request(
                    "missing_sender", "Every message needs a non-empty 'sender' id."
                )
            if len(sender) > MAX_SENDER_CHARS or CONTROL_CHARACTERS.search(sender):
                return _bad_request(
                    "invalid_sender",
                    f"The 'sender' id must be at most {MAX_SENDER_CHARS} printable characters.",
                )
            text = body.get("message", "")
            if text is None:
                text = ""
            if not isinstance(text, str):
                return _bad_request("invalid_message", "'message' must be a string.")
            metadata = body.get("metadata")
            if metadata is not None and not isinstance(metadata, dict):
                return _bad_request("invalid_metadata", "'metadata' must be a JSON object.")
            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender, input_channel=self.name(), metadata=metadata
            )
            await run_guarded_turn(on_new_message, message, self.limits, self.apps)
            return response.json(collector.messages)

        return self.apps.attach(webhook)


class GuardedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel behind the input guard (same events and path as Rasa's)."""

    limits: GuardLimits

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedSocketIOInput:
        channel = super().from_credentials(credentials)
        assert isinstance(channel, GuardedSocketIOInput)
        channel.limits = GuardLimits.from_credentials(credentials)
        return channel

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        apps = AppHolder()

        async def guarded(message: UserMessage) -> None:
            await run_guarded_turn(on_new_message, message, self.limits, apps)

        return apps.attach(super().blueprint(guarded))
