"""Admins review intent corrections and export the accepted ones as Rasa NLU training data."""

from __future__ import annotations

from aiohttp import web

from console.handlers._common import back, body, form, reading, render, user, writing
from console.params import path_id
from console.security import requires
from console.views import json_of
from crm_store.console_models import CorrectionStatus
from crm_store.services import review

STATUSES = [s.value for s in CorrectionStatus]


def _status(request: web.Request) -> str | None:
    status = request.query.get("status") or None
    if status is not None and status not in STATUSES:
        raise web.HTTPBadRequest(text=f"status: one of {', '.join(STATUSES)}")
    return status


@requires("admin")
async def page(request: web.Request) -> web.Response:
    status = _status(request) if "status" in request.query else "pending"
    async with reading(request) as session:
        found = await review.list_corrections(session, status)
    return await render(
        request, "corrections.html", {"corrections": found, "status": status, "statuses": STATUSES}
    )


def _decision(value: object) -> bool:
    if value in ("accept", "accepted"):
        return True
    if value in ("reject", "rejected"):
        return False
    raise web.HTTPBadRequest(text="decision: accept or reject")


@requires("admin")
async def decide_form(request: web.Request) -> web.StreamResponse:
    accept = _decision((await form(request)).get("decision"))
    async with writing(request) as session:
        await review.decide_correction(session, path_id(request), accept, user(request).id)
    raise back(request, "/admin/corrections")


@requires("admin")
async def list_api(request: web.Request) -> web.Response:
    async with reading(request) as session:
        return json_of({"corrections": await review.list_corrections(session, _status(request))})


@requires("admin")
async def decide_api(request: web.Request) -> web.Response:
    accept = _decision((await body(request)).get("status"))
    async with writing(request) as session:
        await review.decide_correction(session, path_id(request), accept, user(request).id)
    return json_of({"status": "accepted" if accept else "rejected"})


@requires("admin")
async def nlu_export(request: web.Request) -> web.Response:
    async with reading(request) as session:
        accepted = await review.list_corrections(session, "accepted", limit=100_000)
    return web.Response(
        text=review.nlu_yaml(accepted),
        content_type="application/x-yaml",
        headers={"Content-Disposition": 'attachment; filename="corrections.yml"'},
    )
