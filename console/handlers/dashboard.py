"""The admin dashboard: figures for the list's filters, charts drawn off the event loop."""

from __future__ import annotations

import asyncio

from aiohttp import web

from console.charts import dashboard_charts
from console.handlers._common import reading, render
from console.params import filters_from
from console.security import requires
from console.views import json_of
from crm_store.services.reports import Dashboard, dashboard


async def _figures(request: web.Request) -> Dashboard:
    async with reading(request) as session:
        return await dashboard(session, filters_from(request.query))


@requires("admin")
async def page(request: web.Request) -> web.Response:
    board = await _figures(request)
    charts = await asyncio.to_thread(dashboard_charts, board)
    return await render(
        request, "dashboard.html", {"board": board, "charts": charts, "query": request.query}
    )


@requires("admin")
async def figures_api(request: web.Request) -> web.Response:
    return json_of(await _figures(request))
