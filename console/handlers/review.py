"""Tags, notes, the reviewed flag and intent corrections: forms for pages, JSON for the API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import NoReturn

from aiohttp import web

from console.handlers._common import back, body, form, user, writing
from console.params import path_id
from console.security import requires
from console.views import json_of
from crm_store.services import review


def _checked(value: object) -> bool:
    return value is True or value in ("on", "yes", "true", "1")


async def _change_then_back(
    request: web.Request, change: Callable[..., Awaitable[object]], *args: object
) -> NoReturn:
    """What every conversation form does: `change(session, conversation_id, *args)`, go back."""
    conversation_id = path_id(request)
    async with writing(request) as session:
        await change(session, conversation_id, *args)
    raise back(request, f"/conversations/{conversation_id}")


@requires("agent")
async def tag_form(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    await _change_then_back(request, review.add_tag, fields.get("tag", ""), user(request).id)


@requires("agent")
async def untag_form(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    await _change_then_back(request, review.remove_tag, fields.get("tag", ""))


@requires("agent")
async def note_form(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    await _change_then_back(request, review.add_note, fields.get("body", ""), user(request).id)


@requires("agent")
async def review_form(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    reviewed = _checked(fields.get("reviewed"))
    await _change_then_back(request, review.set_reviewed, reviewed, user(request).id)


@requires("agent")
async def correction_form(request: web.Request) -> web.StreamResponse:
    record_id = path_id(request)
    fields = await form(request)
    intent = fields.get("new_intent_name", "").strip() or fields.get("intent", "")
    is_new = bool(fields.get("new_intent_name", "").strip())
    async with writing(request) as session:
        await review.correct_intent(session, record_id, intent, user(request).id, is_new)
    raise back(request, "/conversations")


@requires("agent")
async def tag_api(request: web.Request) -> web.Response:
    conversation_id = path_id(request)
    data = await body(request)
    async with writing(request) as session:
        tag = await review.add_tag(
            session, conversation_id, str(data.get("tag", "")), user(request).id
        )
        tags = await review.conversation_tags(session, conversation_id)
    return json_of({"tag": tag, "tags": tags}, status=201)


@requires("agent")
async def untag_api(request: web.Request) -> web.Response:
    conversation_id = path_id(request)
    async with writing(request) as session:
        await review.remove_tag(session, conversation_id, request.match_info["tag"])
        tags = await review.conversation_tags(session, conversation_id)
    return json_of({"tags": tags})


@requires("agent")
async def note_api(request: web.Request) -> web.Response:
    conversation_id = path_id(request)
    data = await body(request)
    async with writing(request) as session:
        note_id = await review.add_note(
            session, conversation_id, str(data.get("body", "")), user(request).id
        )
    return json_of({"id": note_id}, status=201)


@requires("agent")
async def review_api(request: web.Request) -> web.Response:
    conversation_id = path_id(request)
    data = await body(request)
    reviewed = data.get("reviewed")
    if not isinstance(reviewed, bool):
        raise web.HTTPBadRequest(text="reviewed: true or false")
    async with writing(request) as session:
        await review.set_reviewed(session, conversation_id, reviewed, user(request).id)
    return json_of({"reviewed": reviewed})


@requires("agent")
async def correction_api(request: web.Request) -> web.Response:
    record_id = path_id(request)
    data = await body(request)
    async with writing(request) as session:
        correction_id = await review.correct_intent(
            session,
            record_id,
            str(data.get("intent", "")),
            user(request).id,
            data.get("new_intent") is True,
        )
    return json_of({"id": correction_id, "status": "pending"}, status=201)
