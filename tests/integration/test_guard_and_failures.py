"""The input guard and the failure paths, against the real Rasa server and action server."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import text

from tests.integration.support import Databases, Reply, Stack

pytestmark = pytest.mark.integration

FALLBACK_WORDS = ("sorry", "try again")


def test_missing_sender_is_a_400_not_the_shared_default_conversation(stack: Stack) -> None:
    reply = stack.post(json.dumps({"message": "hello"}).encode())
    assert reply.status == 400
    assert reply.messages[0]["error"] == "missing_sender"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "malformed_json"),
        (b"[1, 2]", "malformed_request"),
        (json.dumps({"sender": "x", "message": {"a": 1}}).encode(), "invalid_message"),
        (json.dumps({"sender": "", "message": "hi"}).encode(), "missing_sender"),
        (json.dumps({"sender": "s" * 300, "message": "hi"}).encode(), "invalid_sender"),
    ],
)
def test_broken_requests_get_a_clear_400(stack: Stack, body: bytes, error: str) -> None:
    reply = stack.post(body)
    assert reply.status == 400
    assert reply.messages[0]["error"] == error
    assert reply.messages[0]["message"]


@pytest.mark.parametrize("size", [1_001, 10_000])
def test_over_long_message_gets_a_clear_reply_without_nlu(stack: Stack, size: int) -> None:
    sender = stack.new_sender("long")
    reply = stack.say(sender, "where is my order " + "x" * size)
    assert reply.status == 200
    assert "too long" in reply.text.lower()


@pytest.mark.parametrize("blank", ["", "   ", "\x00\x01\x02"])
def test_empty_message_gets_a_clear_reply(stack: Stack, blank: str) -> None:
    reply = stack.say(stack.new_sender("empty"), blank)
    assert reply.status == 200 and reply.messages
    assert reply.text.strip()


def test_100k_message_leaves_the_server_answering_others(stack: Stack) -> None:
    results: dict[str, Reply] = {}

    def send_huge() -> None:
        results["huge"] = stack.say(stack.new_sender("huge"), "a" * 100_000)

    thread = threading.Thread(target=send_huge)
    thread.start()
    other = stack.say(stack.new_sender("other"), "what are your opening hours?")
    thread.join(60)
    assert other.status == 200 and other.messages
    # Over the 64 KB a request may carry: refused before it reaches the guard, let alone NLU.
    assert results["huge"].status == 413
    # Still fine afterwards.
    assert stack.say(stack.new_sender("after"), "hello").messages


async def test_action_server_stopped_mid_conversation_gets_a_fallback(
    stack: Stack, databases: Databases
) -> None:
    sender = stack.new_sender("no-actions")
    stack.say(sender, "hello")
    stack.actions.stop()
    try:
        reply = stack.say(sender, "show me my recent orders")
    finally:
        stack.restart_action_server()
    assert reply.status == 200 and reply.messages, "the customer must not get silence"
    assert reply.seconds < 3.0, f"fallback took {reply.seconds:.1f} s"
    assert any(word in reply.text.lower() for word in FALLBACK_WORDS)
    # The fallback the customer saw is in the tracker store, so the exchange log gets it.
    async with databases.tracker_engine.connect() as connection:
        bot_texts = (
            await connection.execute(
                text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'bot'"),
                {"s": sender},
            )
        ).scalars()
        assert any(reply.messages[-1]["text"] in json.loads(data)["text"] for data in bot_texts)
    # And the conversation goes on once the action server is back.
    assert stack.say(sender, "what are your opening hours?").messages


def test_crm_database_unreachable_gets_an_apology_within_3_seconds(stack: Stack) -> None:
    stack.restart_action_server(KEFU_DATABASE_URL="postgresql://kefu@127.0.0.1:1/unreachable")
    try:
        sender = stack.new_sender("db-down")
        stack.say(sender, "where is my order?")
        stack.say(sender, "anna.schmidt@example.com")
        reply = stack.say(sender, "10115")
    finally:
        stack.restart_action_server()
    assert reply.status == 200 and reply.messages
    assert reply.seconds < 3.0, f"apology took {reply.seconds:.1f} s"
    assert "can't reach our records" in reply.text.lower() or "sorry" in reply.text.lower()
    assert "Anna" not in reply.text
