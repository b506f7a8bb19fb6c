"""The terminal chat: sends through the REST channel and shows replies and their buttons."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from kefu.shell import render, send


class _Rest(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        reply = [
            {
                "recipient_id": body["sender"],
                "text": f"you said {body['message']}",
                "auth": self.headers["Authorization"],
            }
        ]
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def rasa_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Rest)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_send_posts_the_message_and_returns_the_replies(rasa_url: str) -> None:
    assert send(rasa_url, "me", "hello", "t" * 20) == [
        {"recipient_id": "me", "text": "you said hello", "auth": "Bearer " + "t" * 20}
    ]


def test_render_numbers_the_buttons() -> None:
    reply = {"text": "Shall I?", "buttons": [{"title": "Yes"}, {"title": "No"}]}
    assert render(reply) == "Shall I?\n  1: Yes\n  2: No"
    assert render({}) == ""
