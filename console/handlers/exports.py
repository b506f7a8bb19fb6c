"""Transcript reports for the list's filters: CSV and JSON streamed in batches (the row count
goes ahead in X-Report-Rows so the page can show progress), HTML and PDF transcript bundles."""

from __future__ import annotations

import asyncio
import csv
import io
import json

import aiohttp_jinja2
from aiohttp import web

from console.handlers._common import reading, render
from console.params import filters_from
from console.pdf import transcripts_pdf
from console.security import requires, secure_headers
from console.views import plain
from crm_store.services.conversation_list import conversation_ids, count_conversations
from crm_store.services.reports import REPORT_COLUMNS, report_rows
from crm_store.services.review import TranscriptView, get_transcript

# A bundle prints every message: beyond this many conversations, narrow the filters.
MAX_BUNDLE = 200
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@requires("admin")
async def page(request: web.Request) -> web.Response:
    return await render(request, "reports.html", {"query": request.query})


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return plain(value)


async def _stream(
    request: web.Request, content_type: str, filename: str
) -> tuple[web.StreamResponse, int]:
    filters = filters_from(request.query)
    async with reading(request) as session:
        total = await count_conversations(session, filters)
    response = web.StreamResponse(
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Report-Rows": str(total),
        }
    )
    secure_headers(response)
    await response.prepare(request)
    return response, total


@requires("admin")
async def csv_export(request: web.Request) -> web.StreamResponse:
    response, _ = await _stream(request, "text/csv; charset=utf-8", "conversations.csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REPORT_COLUMNS)
    async with reading(request) as session:
        async for batch in report_rows(session, filters_from(request.query)):
            writer.writerows([_cell(v) for v in row.as_list()] for row in batch)
            await response.write(buffer.getvalue().encode())
            buffer.seek(0)
            buffer.truncate()
    await response.write(buffer.getvalue().encode())
    await response.write_eof()
    return response


@requires("admin")
async def json_export(request: web.Request) -> web.StreamResponse:
    response, _ = await _stream(request, "application/json", "conversations.json")
    await response.write(b"[")
    first = True
    async with reading(request) as session:
        async for batch in report_rows(session, filters_from(request.query)):
            chunk = ",\n".join(
                json.dumps(dict(zip(REPORT_COLUMNS, plain(row.as_list()), strict=True)))
                for row in batch
            )
            await response.write((("" if first else ",\n") + chunk).encode())
            first = False
    await response.write(b"]\n")
    await response.write_eof()
    return response


async def _bundle(request: web.Request) -> list[TranscriptView]:
    filters = filters_from(request.query)
    async with reading(request) as session:
        if await count_conversations(session, filters) > MAX_BUNDLE:
            raise web.HTTPBadRequest(
                text=f"A bundle holds at most {MAX_BUNDLE} conversations; narrow the filters."
            )
        ids = await conversation_ids(session, filters, MAX_BUNDLE)
        return [await get_transcript(session, i) for i in ids]


@requires("admin")
async def html_export(request: web.Request) -> web.Response:
    transcripts = await _bundle(request)
    response = aiohttp_jinja2.render_template("bundle.html", request, {"transcripts": transcripts})
    response.headers["Content-Disposition"] = 'attachment; filename="transcripts.html"'
    return response


@requires("admin")
async def pdf_export(request: web.Request) -> web.Response:
    transcripts = await _bundle(request)
    document = await asyncio.to_thread(transcripts_pdf, transcripts)
    return web.Response(
        body=document,
        content_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="transcripts.pdf"'},
    )
