"""Every URL of the console, pages and JSON API, in one table."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from console.handlers import (
    admin_users,
    auth,
    chat,
    conversations,
    corrections,
    customers,
    dashboard,
    docs,
    exports,
    handoff,
    review,
)


def add_routes(app: web.Application, static: Path) -> None:
    r = app.router
    r.add_get("/health", auth.health)
    r.add_get("/login", auth.login_page)
    r.add_post("/login", auth.login)
    r.add_post("/logout", auth.logout)
    r.add_get("/", conversations.home)
    # Customers: the web chat page, its session tokens, its earlier messages (no login).
    r.add_get("/chat", chat.page)
    r.add_post("/chat/session", chat.session)
    r.add_get("/chat/history", chat.history)
    # Agents: the list, the transcript, the customer card, similar conversations.
    r.add_get("/conversations", conversations.list_page)
    r.add_get("/conversations/{id}", conversations.transcript_page)
    r.add_get("/customers/{id}", customers.card_page)
    r.add_get("/api/conversations", conversations.list_api)
    r.add_get("/api/conversations/{id}", conversations.transcript_api)
    r.add_get("/api/conversations/{id}/similar", conversations.similar_api)
    r.add_get("/api/customers/{id}", customers.card_api)
    _add_handoff_routes(r)
    # Agents: tags, notes, the reviewed flag, intent corrections (forms and API).
    r.add_post("/conversations/{id}/tags", review.tag_form)
    r.add_post("/conversations/{id}/tags/remove", review.untag_form)
    r.add_post("/conversations/{id}/notes", review.note_form)
    r.add_post("/conversations/{id}/review", review.review_form)
    r.add_post("/records/{id}/correction", review.correction_form)
    r.add_post("/api/conversations/{id}/tags", review.tag_api)
    r.add_delete("/api/conversations/{id}/tags/{tag}", review.untag_api)
    r.add_post("/api/conversations/{id}/notes", review.note_api)
    r.add_put("/api/conversations/{id}/review", review.review_api)
    r.add_post("/api/records/{id}/correction", review.correction_api)
    # Admins: corrections to training data, users, reports, dashboard.
    r.add_get("/admin/corrections", corrections.page)
    r.add_post("/admin/corrections/{id}", corrections.decide_form)
    r.add_get("/api/corrections", corrections.list_api)
    r.add_patch("/api/corrections/{id}", corrections.decide_api)
    r.add_get("/api/corrections/nlu.yml", corrections.nlu_export)
    r.add_get("/admin/users", admin_users.page)
    r.add_post("/admin/users", admin_users.create_form)
    r.add_post("/admin/users/{id}", admin_users.change_form)
    r.add_get("/api/users", admin_users.list_api)
    r.add_post("/api/users", admin_users.create_api)
    r.add_patch("/api/users/{id}", admin_users.change_api)
    r.add_get("/admin/reports", exports.page)
    r.add_get("/api/reports/conversations.csv", exports.csv_export)
    r.add_get("/api/reports/conversations.json", exports.json_export)
    r.add_get("/api/reports/transcripts.html", exports.html_export)
    r.add_get("/api/reports/transcripts.pdf", exports.pdf_export)
    r.add_get("/admin/dashboard", dashboard.page)
    r.add_get("/api/dashboard", dashboard.figures_api)
    r.add_get("/api/openapi.json", docs.openapi)
    r.add_static("/static", static, name="static", append_version=True)


def _add_handoff_routes(r: web.UrlDispatcher) -> None:
    """Agents: the live handoff queue (server-sent events), take, reply, hand back, resolve."""
    r.add_get("/queue", handoff.queue_page)
    r.add_get("/api/queue", handoff.queue_api)
    r.add_get("/api/queue/events", handoff.queue_stream)
    r.add_get("/api/conversations/{id}/suggestion", handoff.suggestion_api)
    r.add_post("/conversations/{id}/take", handoff.take)
    r.add_post("/conversations/{id}/reply", handoff.reply_form)
    r.add_post("/conversations/{id}/handback", handoff.hand_back)
    r.add_post("/conversations/{id}/resolve", handoff.resolve)
    r.add_post("/api/conversations/{id}/take", handoff.take)
    r.add_post("/api/conversations/{id}/reply", handoff.reply_api)
    r.add_post("/api/conversations/{id}/handback", handoff.hand_back)
    r.add_post("/api/conversations/{id}/resolve", handoff.resolve)
