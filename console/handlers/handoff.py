"""The live handoff for agents: the queue (a page kept current by server-sent events), taking a
conversation, replying, handing back to the bot and resolving — as forms and as JSON.

Taking changes the CRM record first (two agents racing must not both reach Rasa: the
conditional UPDATE decides) and then pauses the bot, putting the conversation back in the queue
if Rasa cannot be reached. Replying, handing back and resolving check that the agent holds the
conversation, tell the Rasa server first and record the step after; if the Rasa server refuses,
the agent gets a clear 503 and the conversation is still theirs, so the step can be repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy import select

from console.handlers._common import body, form, reading, render, user, writing
from console.keys import CLOSING, CONFIG, RASA, SESSIONS, SIMILAR
from console.params import path_id
from console.rasa_api import RasaApi, RasaUnavailable
from console.security import is_api, requires, secure_headers
from console.views import json_of
from crm_store.models import Feedback
from crm_store.services import handoff
from crm_store.services.handoff import HandoffState
from crm_store.views import plain

logger = logging.getLogger(__name__)

# A comment line every this many seconds keeps proxies from closing a quiet stream.
KEEPALIVE_SECONDS = 15.0


def _rasa(request: web.Request) -> RasaApi:
    api = request.app[RASA]
    if api is None:
        raise web.HTTPServiceUnavailable(
            text=json.dumps({"error": "The console is not connected to the bot's HTTP API."}),
            content_type="application/json",
        )
    return api


def _unavailable(error: RasaUnavailable) -> web.HTTPServiceUnavailable:
    logger.warning("handoff: %s", error)
    return web.HTTPServiceUnavailable(
        text=json.dumps({"error": str(error)}), content_type="application/json"
    )


async def queue_snapshot(request: web.Request) -> list[dict[str, Any]]:
    async with reading(request) as session:
        items = await handoff.handoff_queue(session)
    return [plain(item) for item in items]


@requires("agent")
async def queue_page(request: web.Request) -> web.Response:
    return await render(request, "queue.html", {"queue": await queue_snapshot(request)})


@requires("agent")
async def queue_api(request: web.Request) -> web.Response:
    return json_of({"queue": await queue_snapshot(request)})


@requires("agent")
async def queue_stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: a `queue` event with the whole queue whenever it changes.

    The queue changes in other processes (the action server hands off), so the stream looks
    at the CRM every `queue_poll_seconds`; one small indexed query per open console tab.
    """
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
    )
    secure_headers(response)
    await response.prepare(request)
    closing = request.app[CLOSING]
    poll = request.app[CONFIG].queue_poll_seconds
    last: str | None = None
    quiet = 0.0
    try:
        while not closing.is_set():
            current = json.dumps(await queue_snapshot(request), default=str, sort_keys=True)
            if current != last:
                await response.write(f"event: queue\ndata: {current}\n\n".encode())
                last, quiet = current, 0.0
            elif quiet >= KEEPALIVE_SECONDS:
                await response.write(b": keep-alive\n\n")
                quiet = 0.0
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(closing.wait(), poll)
            quiet += poll
    except (ConnectionResetError, ConnectionError):
        pass  # the agent closed the tab
    return response


async def _step(
    request: web.Request,
    change: Callable[[Any, int, int], Awaitable[HandoffState]],
) -> HandoffState:
    async with writing(request) as session:
        return await change(session, path_id(request), user(request).id)


def _answer(request: web.Request, state: HandoffState, **extra: Any) -> web.Response:
    if is_api(request):
        return json_of({"id": state.id, "status": state.status, **extra})
    raise web.HTTPSeeOther(f"/conversations/{state.id}")


@requires("agent")
async def take(request: web.Request) -> web.Response:
    api = _rasa(request)
    state = await _step(request, handoff.take)  # Conflict (409) for the agent who came second
    try:
        await api.pause(state.sender_id)
    except RasaUnavailable as error:
        # Not paused: give it back to the queue rather than leave the bot and an agent both on.
        async with writing(request) as session:
            await handoff.requeue(session, state.id, user(request).id)
        raise _unavailable(error) from error
    return _answer(request, state)


async def _reply(request: web.Request, text: object) -> web.Response:
    api = _rasa(request)
    agent = user(request)
    message = handoff.check_reply(text)
    async with reading(request) as session:
        state = await handoff.held_by(session, path_id(request), agent.id)
    try:
        await api.say(state.sender_id, message, agent.id, agent.display_name)
    except RasaUnavailable as error:
        raise _unavailable(error) from error
    async with writing(request) as session:
        await handoff.note_agent_reply(session, state.id)
    return _answer(request, state, text=message)


async def _resume(request: web.Request) -> HandoffState:
    """Resume the bot for the agent's conversation. Rasa first: if it cannot be reached, the
    conversation stays the agent's and the step can be repeated."""
    api = _rasa(request)
    async with reading(request) as session:
        state = await handoff.held_by(session, path_id(request), user(request).id)
    try:
        await api.resume(state.sender_id)
    except RasaUnavailable as error:
        raise _unavailable(error) from error
    return state


@requires("agent")
async def hand_back(request: web.Request) -> web.Response:
    await _resume(request)
    return _answer(request, await _step(request, handoff.hand_back))


@requires("agent")
async def resolve(request: web.Request) -> web.Response:
    await _resume(request)
    state = await _step(request, handoff.resolve)
    async with reading(request) as session:
        rated = await session.scalar(
            select(Feedback.id).where(Feedback.conversation_id == state.id)
        )
    if rated is None:  # CSAT is asked once: never again once the customer has rated
        try:
            await _rasa(request).ask_rating(state.sender_id)
        except RasaUnavailable as error:
            raise _unavailable(error) from error
    return _answer(request, state, rating_asked=rated is None)


@requires("agent")
async def reply_api(request: web.Request) -> web.Response:
    return await _reply(request, (await body(request)).get("text"))


@requires("agent")
async def reply_form(request: web.Request) -> web.Response:
    return await _reply(request, (await form(request)).get("text"))


@requires("agent")
async def suggestion_api(request: web.Request) -> web.Response:
    conversation_id = path_id(request)
    async with reading(request) as session:
        await handoff.handoff_state(session, conversation_id)  # 404 for an unknown one
    similar = await request.app[SIMILAR].find(request.app[SESSIONS], conversation_id)
    async with reading(request) as session:
        found = await handoff.suggested_reply(session, [s.id for s in similar])
    return json_of({"suggestion": found})
