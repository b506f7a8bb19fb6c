"""The customer card as its own page and as JSON."""

from __future__ import annotations

from aiohttp import web

from console.handlers._common import reading, render
from console.params import path_id
from console.security import requires
from console.views import json_of
from crm_store.services.customer_card import customer_card


@requires("agent")
async def card_page(request: web.Request) -> web.Response:
    async with reading(request) as session:
        card = await customer_card(session, path_id(request))
    return await render(request, "customer.html", {"card": card})


@requires("agent")
async def card_api(request: web.Request) -> web.Response:
    async with reading(request) as session:
        return json_of(await customer_card(session, path_id(request)))
