"""The OpenAPI 3.1 document of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from console.params import FILTER_FIELDS
from console.security import requires

# (method, path, summary, role, request body properties)
OPERATIONS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("get", "/api/conversations", "The conversation list, filtered, sorted, paged", "agent", {}),
    ("get", "/api/conversations/{id}", "One transcript with tags, notes, scores", "agent", {}),
    ("get", "/api/conversations/{id}/similar", "Similar conversations", "agent", {}),
    (
        "get",
        "/api/customers/{id}",
        "The customer card (segment, churn risk, CLV `estimated` until the analytics job ran)",
        "agent",
        {},
    ),
    ("get", "/api/queue", "The handoff queue: waiting, then taken conversations", "agent", {}),
    (
        "get",
        "/api/queue/events",
        "The handoff queue as server-sent events (`queue`, whenever it changes)",
        "agent",
        {},
    ),
    (
        "get",
        "/api/conversations/{id}/suggestion",
        "A reply suggested from the most similar resolved conversation",
        "agent",
        {},
    ),
    (
        "post",
        "/api/conversations/{id}/take",
        "Take a waiting conversation (pauses the bot); 409 if another agent has it",
        "agent",
        {},
    ),
    (
        "post",
        "/api/conversations/{id}/reply",
        "Reply to the customer as the agent holding the conversation",
        "agent",
        {"text": "string"},
    ),
    ("post", "/api/conversations/{id}/handback", "Hand back to the bot (resumes it)", "agent", {}),
    (
        "post",
        "/api/conversations/{id}/resolve",
        "Resolve (resumes the bot, which asks for the rating once)",
        "agent",
        {},
    ),
    ("post", "/api/conversations/{id}/tags", "Tag a conversation", "agent", {"tag": "string"}),
    ("delete", "/api/conversations/{id}/tags/{tag}", "Remove a tag", "agent", {}),
    ("post", "/api/conversations/{id}/notes", "Add a private note", "agent", {"body": "string"}),
    (
        "put",
        "/api/conversations/{id}/review",
        "Set the reviewed flag",
        "agent",
        {"reviewed": "boolean"},
    ),
    (
        "post",
        "/api/records/{id}/correction",
        "Correct a customer message's intent",
        "agent",
        {"intent": "string", "new_intent": "boolean"},
    ),
    ("get", "/api/corrections", "Intent corrections (?status=)", "admin", {}),
    (
        "patch",
        "/api/corrections/{id}",
        "Accept or reject a correction",
        "admin",
        {"status": "string"},
    ),
    ("get", "/api/corrections/nlu.yml", "Accepted corrections as Rasa NLU YAML", "admin", {}),
    ("get", "/api/users", "Console accounts", "admin", {}),
    (
        "post",
        "/api/users",
        "Create an account",
        "admin",
        {"username": "string", "password": "string", "role": "string"},
    ),
    (
        "patch",
        "/api/users/{id}",
        "Disable/enable, change role or reset password (one of the fields)",
        "admin",
        {"active": "boolean", "role": "string", "password": "string"},
    ),
    ("get", "/api/reports/conversations.csv", "Report, one row per conversation", "admin", {}),
    ("get", "/api/reports/conversations.json", "The same report as JSON", "admin", {}),
    ("get", "/api/reports/transcripts.html", "Printable transcript bundle", "admin", {}),
    ("get", "/api/reports/transcripts.pdf", "Transcript bundle as PDF", "admin", {}),
    ("get", "/api/dashboard", "Dashboard figures", "admin", {}),
]
FILTERED = {"/api/conversations", "/api/dashboard"} | {
    path for _, path, *_ in OPERATIONS if path.startswith("/api/reports/")
}


def _operation(method: str, path: str, summary: str, role: str, fields: dict[str, str]) -> Any:
    parameters: list[dict[str, Any]] = [
        {"name": name.strip("{}"), "in": "path", "required": True, "schema": {"type": "string"}}
        for name in path.split("/")
        if name.startswith("{")
    ]
    if path in FILTERED:
        parameters += [
            {"name": name, "in": "query", "schema": {"type": "string"}} for name in FILTER_FIELDS
        ]
    operation: dict[str, Any] = {
        "summary": summary,
        "description": f"Role: {role}. State-changing calls need the X-CSRF-Token header.",
        "parameters": parameters,
        "responses": {
            "200": {"description": "OK"},
            "401": {"description": "Not signed in"},
            "403": {"description": "Wrong role or CSRF token"},
        },
    }
    if fields:
        schema = {"type": "object", "properties": {k: {"type": v} for k, v in fields.items()}}
        operation["requestBody"] = {"content": {"application/json": {"schema": schema}}}
    return operation


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for method, path, summary, role, fields in OPERATIONS:
        paths.setdefault(path, {})[method] = _operation(method, path, summary, role, fields)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kefu console API", "version": "1"},
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "kefu_console"}
            }
        },
        "security": [{"session": []}],
        "paths": paths,
    }


@requires("agent")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(document())
