"""The console's client of Rasa's HTTP API, for the live handoff: pause and resume the bot, send
an agent's reply through the customer's channel, ask for the rating.

Rasa 3.6 appends events with `POST /conversations/{id}/tracker/events`; with
`execute_side_effects=true` and `output_channel=<name>` it also sends the appended bot messages
through that input channel's output (rasa/server.py `append_events`, `_get_output_channel`), so
an agent's reply is in the tracker store (and so in the exchange log) and on the customer's
screen in one call. Requests carry a short-lived JWT (HS256) signed with KEFU_RASA_JWT_SECRET,
the secret the Rasa server is started with (bot/server.py); role "admin" is what Rasa's
`requires_auth` asks for to act on any conversation.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt

# The metadata an agent's reply carries: the exchange logger records it as the agent's message
# (kefu/workers/tracker_events.py), the socket.io channel marks it as a person's (bot/channels.py).
AGENT_ID_KEY = "kefu_agent_id"
AGENT_NAME_KEY = "kefu_agent_name"
# Rasa sends through the channel the customer last wrote on (rasa/server.py
# `_get_output_channel`): the web chat's socket, Telegram...; a REST caller has had its answer,
# so there the reply is only logged.
LATEST_CHANNEL = "latest"
TOKEN_SECONDS = 60
TIMEOUT = aiohttp.ClientTimeout(total=15)
# The rating form (data/rules.yml), run when an agent resolves: it asks "how would you rate
# us?" and the customer's answer goes on through its rules, like a rating the bot asked for.
RATING_ACTION = "csat_form"
# Set by the bot's handoff (actions/handoff.py): cleared when an agent gives the conversation back.
AGENT_REQUESTED_SLOT = "agent_requested"


class RasaUnavailable(Exception):
    """The Rasa server did not do what was asked; the message says what and why."""


class RasaApi:
    def __init__(self, base_url: str, jwt_secret: str, session: aiohttp.ClientSession) -> None:
        self.base_url = base_url.rstrip("/")
        self.jwt_secret = jwt_secret
        self.session = session

    def _headers(self) -> dict[str, str]:
        claims = {
            "user": {"username": "kefu-console", "role": "admin"},
            "exp": int(time.time()) + TOKEN_SECONDS,
        }
        token = jwt.encode(claims, self.jwt_secret, algorithm="HS256")
        return {"Authorization": f"Bearer {token}"}

    async def _post(self, path: str, body: Any, params: dict[str, str] | None = None) -> Any:
        url = f"{self.base_url}{path}"
        try:
            async with self.session.post(
                url, json=body, params=params, headers=self._headers(), timeout=TIMEOUT
            ) as answer:
                if answer.status >= 400:
                    detail = (await answer.text())[:300]
                    raise RasaUnavailable(f"The bot server refused ({answer.status}): {detail}")
                return await answer.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailable(f"The bot server cannot be reached: {error}") from error

    def _events_path(self, sender_id: str) -> str:
        return f"/conversations/{quote(sender_id, safe='')}/tracker/events"

    async def pause(self, sender_id: str) -> None:
        await self._post(self._events_path(sender_id), {"event": "pause"})

    async def resume(self, sender_id: str) -> None:
        """The bot answers again, and no longer tells a "hello?" that an agent is coming."""
        events = [
            {"event": "resume"},
            {"event": "slot", "name": AGENT_REQUESTED_SLOT, "value": False},
        ]
        await self._post(self._events_path(sender_id), events)

    async def say(self, sender_id: str, text: str, agent_id: int, agent_name: str) -> None:
        """The agent's reply: one bot event marked as the agent's, sent through the channel."""
        event = {
            "event": "bot",
            "text": text,
            "timestamp": time.time(),
            "metadata": {AGENT_ID_KEY: agent_id, AGENT_NAME_KEY: agent_name},
        }
        params = {"execute_side_effects": "true", "output_channel": LATEST_CHANNEL}
        await self._post(self._events_path(sender_id), event, params)

    async def ask_rating(self, sender_id: str) -> None:
        """Start the rating form (`/execute`, not `trigger_intent`: that would log an invented
        "EXTERNAL: rate" customer message in the exchange log)."""
        params = {"output_channel": LATEST_CHANNEL}
        await self._post(
            f"/conversations/{quote(sender_id, safe='')}/execute", {"name": RATING_ACTION}, params
        )
