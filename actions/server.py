"""rasa-sdk's action server behind a shared secret: only the Rasa server may run actions.

rasa-sdk has no authentication of its own and believes any tracker it is sent, so a stranger
who reaches it could run `action_update_address` with slots saying they are verified. Every
request but the health check must carry `Authorization: Bearer <KEFU_ACTION_SERVER_TOKEN>`,
which endpoints.yml makes the Rasa server send; anything else gets 401 and nothing runs.

Its executor also runs a completed form's submit action with the validation, when the Rasa
server asks (actions/fused.py).
"""

from __future__ import annotations

import hmac

from rasa_sdk import endpoint
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.fused import FusingExecutor
from actions.similar_cases import warm_ticket_index

OPEN_PATHS = frozenset({"/health"})


def create_app(token: str) -> Sanic:
    """The action server's Sanic app for the `actions` package, requiring `token`."""
    if len(token) < 16:
        raise ValueError("The action server's token must have at least 16 characters.")
    expected = f"Bearer {token}".encode()
    # rasa-sdk's create_app makes its executor from the module's `ActionExecutor` and keeps it
    # in the /webhook handler: it is handed the fusing one for that call.
    plain_executor = endpoint.ActionExecutor
    endpoint.ActionExecutor = FusingExecutor  # type: ignore[misc]
    try:
        # No CORS: browsers have no business calling the action server.
        app = endpoint.create_app("actions", cors_origins=None)
    finally:
        endpoint.ActionExecutor = plain_executor  # type: ignore[misc]

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return response.json(
                {"error": "unauthorized", "message": "Only the Rasa server may call actions."},
                status=401,
            )
        return None

    @app.after_server_start
    async def warm_up(app: Sanic, _loop: object) -> None:
        # The first ticket would otherwise wait for the index (and the sentence encoder) to load,
        # longer than the Rasa server's reply timeout on a busy machine.
        app.add_task(warm_ticket_index())

    return app
