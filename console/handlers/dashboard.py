"""The admin dashboard: figures for the list's filters, charts drawn off the event loop."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from aiohttp import web
from multidict import MultiDict

from console.charts import dashboard_charts
from console.handlers._common import reading, render
from console.params import filters_from
from console.security import requires
from console.views import json_of
from crm_store.services.reports import Dashboard, dashboard

# Without dates the dashboard shows the last DEFAULT_DAYS days, not the whole history.
DEFAULT_DAYS = 30


def _query(request: web.Request) -> MultiDict[str]:
    query = MultiDict(request.query)
    if not query.get("date_from") and not query.get("date_to"):
        since = datetime.now(timezone.utc).date() - timedelta(days=DEFAULT_DAYS)
        query["date_from"] = since.isoformat()
    return query


async def _figures(query: MultiDict[str], request: web.Request) -> Dashboard:
    async with reading(request) as session:
        return await dashboard(session, filters_from(query))


@requires("admin")
async def page(request: web.Request) -> web.Response:
    query = _query(request)
    board = await _figures(query, request)
    charts = await asyncio.to_thread(dashboard_charts, board)
    return await render(
        request, "dashboard.html", {"board": board, "charts": charts, "query": query}
    )


@requires("admin")
async def figures_api(request: web.Request) -> web.Response:
    return json_of(await _figures(_query(request), request))
