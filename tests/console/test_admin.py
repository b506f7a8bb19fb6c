"""The admin's pages and API: corrections to NLU data, users, reports, dashboard, OpenAPI."""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from console.app import create_app
from tests.console.conftest import Client, Data, config
from tests.console.test_pages import ESCAPED
from tests.crm_store.services.console_data import HOSTILE


async def _correct_blorp(admin: Client, data: Data) -> int:
    transcript = await (await admin.http.get(f"/api/conversations/{data.ids['refund']}")).json()
    blorp = next(m for m in transcript["messages"] if m["text"] == "blorp")
    response = await admin.api(
        "POST", f"/api/records/{blorp['id']}/correction", {"intent": "chitchat"}
    )
    return int((await response.json())["id"])


async def test_corrections_review_and_nlu_export(admin: Client, data: Data) -> None:
    correction = await _correct_blorp(admin, data)
    response, page = await admin.page("/admin/corrections")
    assert response.status == 200 and "blorp" in page and "chitchat" in page
    response = await admin.post_form(f"/admin/corrections/{correction}", {"decision": "accept"})
    assert response.status == 303
    listed = await (await admin.http.get("/api/corrections?status=accepted")).json()
    assert [c["id"] for c in listed["corrections"]] == [correction]
    exported = await (await admin.http.get("/api/corrections/nlu.yml")).text()
    assert yaml.safe_load(exported)["nlu"] == [{"intent": "chitchat", "examples": "- blorp\n"}]
    reject = await admin.api("PATCH", f"/api/corrections/{correction}", {"status": "rejected"})
    assert reject.status == 200
    assert (
        await admin.api("PATCH", f"/api/corrections/{correction}", {"status": "?"})
    ).status == 400
    assert (await admin.http.get("/api/corrections?status=odd")).status == 400


async def test_users_create_disable_reset_and_role(admin: Client, data: Data) -> None:
    response = await admin.post_form(
        "/admin/users", {"username": "cleo", "password": "cleo password 1", "role": "agent"}
    )
    assert response.status == 303
    _, page = await admin.page("/admin/users")
    assert "cleo" in page
    created = await admin.api(
        "POST", "/api/users", {"username": "dan", "password": "dan password 12"}
    )
    assert created.status == 201
    dan = (await created.json())["id"]
    assert (
        await admin.api("POST", "/api/users", {"username": "dan", "password": "x" * 12})
    ).status == 400
    assert (await admin.api("PATCH", f"/api/users/{dan}", {"role": "admin"})).status == 200
    assert (await admin.post_form(f"/admin/users/{dan}", {"active": "no"})).status == 303
    assert (
        await admin.post_form(f"/admin/users/{dan}", {"password": "new password 12"})
    ).status == 303
    users = {u["username"]: u for u in (await (await admin.http.get("/api/users")).json())["users"]}
    assert users["dan"]["role"] == "admin" and not users["dan"]["is_active"]
    short = await admin.api("PATCH", f"/api/users/{dan}", {"password": "short"})
    assert short.status == 400
    assert (await admin.api("PATCH", f"/api/users/{dan}", {})).status == 400


async def test_csv_and_json_reports(admin: Client, data: Data) -> None:
    response = await admin.http.get("/api/reports/conversations.csv?date_from=2026-11-01")
    assert response.status == 200 and response.headers["X-Report-Rows"] == "3"
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert [int(r["id"]) for r in rows] == sorted(data.ids.values())
    parcel = rows[0]
    assert (parcel["status"], parcel["csat"], parcel["first_response_seconds"]) == (
        "resolved",
        "5",
        "60.0",
    )
    filtered = await admin.http.get("/api/reports/conversations.json?channel=socketio")
    body = await filtered.json()
    assert [r["id"] for r in body] == [data.ids["refund"]] and body[0]["handoff"] is True


async def test_html_bundle_escapes_messages(admin: Client, data: Data) -> None:
    response = await admin.http.get("/api/reports/transcripts.html")
    page = await response.text()
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    assert ESCAPED in page and "<script>alert" not in page
    assert page.count("<section>") == 3


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
async def test_pdf_bundle_prints_html_as_text(admin: Client, data: Data, tmp_path: Path) -> None:
    response = await admin.http.get("/api/reports/transcripts.pdf?topic=delivery")
    document = await response.read()
    assert response.status == 200 and document.startswith(b"%PDF")
    path = tmp_path / "bundle.pdf"
    path.write_bytes(document)
    command = ["pdftotext", "-layout", str(path), "-"]
    done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True)
    text = done.stdout
    assert HOSTILE in " ".join(text.split())
    assert "Conversation" in text and "courier" in text


async def test_dashboard_page_and_figures(admin: Client, data: Data) -> None:
    response, page = await admin.page("/admin/dashboard?date_from=2026-11-01")
    assert response.status == 200
    assert page.count('src="data:image/png;base64,') == 6
    assert "Containment" in page and "33.3 %" in page  # handoff rate
    figures = await (await admin.http.get("/api/dashboard?channel=rest&date_to=2026-12-31")).json()
    assert figures["conversations"] == 1 and figures["csat_score"] == 1.0
    _, empty = await admin.page("/admin/dashboard?date_from=2030-01-01")
    assert "no data" in empty and "data:image/png" not in empty
    _, default = await admin.page("/admin/dashboard")
    since = (datetime.now(timezone.utc).date() - timedelta(days=30)).isoformat()
    assert f'name="date_from" value="{since}"' in default  # the last 30 days by default


async def test_reports_page_and_openapi(admin: Client) -> None:
    response, page = await admin.page("/admin/reports")
    assert response.status == 200 and "transcripts.pdf" in page
    document = await (await admin.http.get("/api/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    app = create_app(config("sqlite://"))
    api_paths = {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None
        and route.resource.canonical.startswith("/api/")
        and route.method != "HEAD"
    }
    documented = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert api_paths - {("get", "/api/openapi.json")} == documented
