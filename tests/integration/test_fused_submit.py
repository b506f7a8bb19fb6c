"""A completed form costs one action-server call on the real servers, with the same replies.

The action server is moved behind a proxy on its port that records each call's action; the
proxy can also strip the Rasa server's request for the fused submit (bot/fused_submit.py), so
the same conversation runs the two-call way for comparison.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from actions.fused import ASK_FIELD
from kefu.processes import action_server, free_port
from tests.integration.support import Stack

pytestmark = pytest.mark.integration


class CountingProxy:
    """Forwards the Rasa server's action calls to the action server, recording their actions."""

    def __init__(self, port: int, target: int) -> None:
        self.actions: list[str] = []
        self.fuse = True
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._forward(None)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                proxy.actions.append(body.get("next_action"))
                if not proxy.fuse:
                    body.pop(ASK_FIELD, None)
                self._forward(json.dumps(body).encode())

            def _forward(self, data: bytes | None) -> None:
                headers = {
                    k: v for k, v in self.headers.items() if k in ("Authorization", "Content-Type")
                }
                request = urllib.request.Request(
                    f"http://127.0.0.1:{target}{self.path}", data=data, headers=headers
                )
                try:
                    with urllib.request.urlopen(request, timeout=60) as answer:
                        status, payload = answer.status, answer.read()
                except urllib.error.HTTPError as error:
                    status, payload = error.code, error.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def calls(self, since: int) -> list[str]:
        return self.actions[since:]


@pytest.fixture
def proxy(stack: Stack) -> Iterator[CountingProxy]:
    port = stack.settings.action_port
    stack.actions.stop()
    inner_port = free_port()
    inner = action_server(inner_port, stack.action_env, stack.log_dir / "actions-proxied.log")
    inner.start()
    counting = CountingProxy(port, inner_port)
    try:
        inner.wait_ready(120)
        counting.thread.start()
        warm_up(stack)
        yield counting
    finally:
        counting.server.shutdown()
        counting.server.server_close()
        inner.stop()
        stack.restart_action_server()


def warm_up(stack: Stack) -> None:
    """A first request to the new action server until one is answered in time: its start (the
    ticket index loading) can make the first turns "taking longer" on a busy machine."""
    for _ in range(10):
        reply = stack.say(stack.new_sender("warm-up"), "where is my order?")
        if "taking longer" not in reply.text:
            return
        time.sleep(3)


def conversation(stack: Stack, proxy: CountingProxy, label: str) -> list[tuple[str, list[str]]]:
    """Order status after identification, then the rating: each reply and the calls it took."""
    sender = stack.new_sender(label)
    steps = [
        "where is my order KF-500002?",
        "anna.schmidt@example.com",
        "10115",
        "bye",
        '/inform{"rating":4}',
        "no, all good",
    ]
    seen = []
    for text in steps:
        since = len(proxy.actions)
        reply = stack.say(sender, text)
        assert reply.status == 200, reply
        seen.append((reply.text, proxy.calls(since)))
    return seen


def test_a_completed_form_is_one_call_with_the_same_replies(
    stack: Stack, proxy: CountingProxy
) -> None:
    fused = conversation(stack, proxy, "fused")
    proxy.fuse = False
    plain = conversation(stack, proxy, "plain")

    assert [text for text, _ in fused] == [text for text, _ in plain]
    assert "KF-500002" in fused[2][0] and "Anna" in fused[2][0]
    # The second fact completes order_status_form; "no, all good" completes csat_form.
    assert plain[2][1] == ["validate_order_status_form", "action_order_status"]
    assert fused[2][1] == ["validate_order_status_form"]
    assert plain[5][1] == ["validate_csat_form", "action_save_feedback"]
    assert fused[5][1] == ["validate_csat_form"]
    # Nothing else changes: the other steps make the same calls.
    for step in (0, 1, 3, 4):
        assert fused[step][1] == plain[step][1]
    assert "came next; its result is dropped" not in (stack.log_dir / "rasa.log").read_text()
