"""The conversation list and the transcript, as pages and as JSON."""

from __future__ import annotations

from aiohttp import web

from console.handlers._common import reading, render
from console.keys import SESSIONS, SIMILAR
from console.params import FILTER_FIELDS, filters_from, page_args, path_id
from console.security import requires
from console.views import json_of
from crm_store.errors import NotFound
from crm_store.services.conversation_list import (
    SATISFACTION_BANDS,
    SENTIMENT_BANDS,
    SORTS,
    ConversationPage,
    list_conversations,
)
from crm_store.services.customer_card import customer_card
from crm_store.services.review import get_transcript


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/conversations")


async def _page(request: web.Request) -> ConversationPage:
    filters = filters_from(request.query)
    sort, page, size = page_args(request.query)
    async with reading(request) as session:
        return await list_conversations(session, filters, sort, page, size)


@requires("agent")
async def list_page(request: web.Request) -> web.Response:
    found = await _page(request)
    query = {k: v for k, v in request.query.items() if k != "page"}
    return await render(
        request,
        "conversations.html",
        {
            "page": found,
            "query": request.query,
            "paging_query": query,
            "fields": FILTER_FIELDS,
            "sorts": list(SORTS),
            "sentiment_bands": list(SENTIMENT_BANDS),
            "satisfaction_bands": list(SATISFACTION_BANDS),
            "statuses": ["bot", "handoff", "agent", "resolved"],
        },
    )


@requires("agent")
async def list_api(request: web.Request) -> web.Response:
    found = await _page(request)
    return json_of(
        {
            "total": found.total,
            "total_is_lower_bound": found.at_least,
            "page": found.page,
            "page_size": found.page_size,
            "pages": found.pages,
            "conversations": found.rows,
        }
    )


@requires("agent")
async def transcript_page(request: web.Request) -> web.Response:
    conversation_id = path_id(request)
    async with reading(request) as session:
        transcript = await get_transcript(session, conversation_id)
        card = None
        if transcript.customer_id is not None:
            try:
                card = await customer_card(session, transcript.customer_id, limit=5)
            except NotFound:
                card = None
    similar = await request.app[SIMILAR].find(request.app[SESSIONS], conversation_id)
    return await render(
        request,
        "transcript.html",
        {"t": transcript, "card": card, "similar": similar},
    )


@requires("agent")
async def transcript_api(request: web.Request) -> web.Response:
    async with reading(request) as session:
        return json_of(await get_transcript(session, path_id(request)))


@requires("agent")
async def similar_api(request: web.Request) -> web.Response:
    conversation_id = path_id(request)
    async with reading(request) as session:
        await get_transcript(session, conversation_id)  # 404 for an unknown conversation
    found = await request.app[SIMILAR].find(request.app[SESSIONS], conversation_id)
    return json_of({"similar": found})
