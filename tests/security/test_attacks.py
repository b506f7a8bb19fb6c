"""The attacks of issue 9, tried against the real Rasa server and action server on loopback.

Each test is one way a stranger got through before, and now does not.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import jwt
import pytest
import socketio
from sqlalchemy import func, select

from crm_store.db import sqlite_path
from crm_store.models import CommunicationRecord, Conversation, Customer, Ticket
from tests.integration.support import Databases, Stack

pytestmark = pytest.mark.integration

CHLOE = ("chloe.martin@example.com", "80331")


def action_call(stack: Stack, authorization: str | None) -> int:
    """A forged call of action_update_address for customer 3, "verified" by its own slots."""
    body = {
        "next_action": "action_update_address",
        "sender_id": "attacker",
        "tracker": {
            "sender_id": "attacker",
            "slots": {"customer_id": "3", "is_verified": True,
                      "new_address": "Evilstr. 1, 10115 Berlin"},
            "latest_message": {"text": "", "intent": {}, "entities": []},
            "events": [],
            "paused": False,
            "latest_input_channel": "rest",
            "active_loop": {},
            "latest_action": {},
        },
        "domain": {},
        "version": "3.6.21",
    }  # fmt: skip
    url = stack.actions.ready_url.replace("/health", "/webhook")
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


async def logged_extras(databases: Databases, sender: str) -> list[dict[str, Any]]:
    """The `extra` of every record the exchange log keeps for this conversation."""
    async with databases.crm() as session:
        rows = await session.scalars(
            select(CommunicationRecord.extra)
            .join(Conversation)
            .where(Conversation.sender_id == sender)
        )
        return [extra or {} for extra in rows]


def chloes_street(stack: Stack) -> str:
    path = sqlite_path(stack.settings.database.url)
    assert path is not None
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT street FROM customers WHERE id = 3").fetchone()[0]


@pytest.mark.parametrize("authorization", [None, "Bearer guessed-token-0123456789", "Basic x"])
def test_1_a_forged_action_call_gets_401_and_changes_nothing(
    stack: Stack, authorization: str | None
) -> None:
    before = chloes_street(stack)
    assert action_call(stack, authorization) == 401
    assert chloes_street(stack) == before


def test_1_the_action_server_listens_on_loopback_only(stack: Stack) -> None:
    port = int(stack.actions.ready_url.split(":")[2].split("/")[0])
    bound = {
        line.split()[1].upper()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if line.split()[3] == "0A"  # LISTEN
    }
    assert f"0100007F:{port:04X}" in bound
    assert f"00000000:{port:04X}" not in bound


def test_2_the_rest_channel_wants_its_token(stack: Stack) -> None:
    body = json.dumps({"sender": "demo-1", "message": "show my recent orders"}).encode()
    for authorization in ("", "Bearer demo-1", "Bearer " + "x" * 43):
        reply = stack.post(body, authorization=authorization)
        assert reply.status == 401, authorization


def session_token(stack: Stack, session: str) -> str:
    claims = {"sid": session, "exp": int(time.time()) + 600}
    return jwt.encode(claims, str(stack.secrets.chat_secret), algorithm="HS256")


class Browser:
    """A web chat client on the real socket.io channel."""

    def __init__(self, stack: Stack, session: str) -> None:
        self.stack, self.session = stack, session
        self.client = socketio.AsyncClient()
        self.heard: list[str] = []
        self.client.on("bot_uttered", lambda data: self.heard.append(str(data.get("text"))))

    async def __aenter__(self) -> Browser:
        await self.client.connect(
            self.stack.rasa_url, auth={"token": session_token(self.stack, self.session)}
        )
        await self.client.emit("session_request", {"session_id": self.session})
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.client.disconnect()

    async def say(self, text: str, session_id: str | None = None) -> str:
        """Send a message; the replies heard until none came for half a second (10 s at most)."""
        before = len(self.heard)
        await self.client.emit(
            "user_uttered", {"message": text, "session_id": session_id or self.session}
        )
        quiet_since, deadline = None, time.monotonic() + 10
        while time.monotonic() < deadline:
            count = len(self.heard)
            await asyncio.sleep(0.1)
            if len(self.heard) > before and len(self.heard) == count:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 0.5:
                    break
            else:
                quiet_since = None
        return "\n".join(self.heard[before:])


async def test_2_a_copied_session_id_does_not_continue_someone_elses_conversation(
    stack: Stack,
) -> None:
    victim_session = stack.new_sender("victim")
    async with Browser(stack, victim_session) as victim:
        await victim.say("where is my order?")
        await victim.say(CHLOE[0])
        assert "Chloé" in await victim.say(CHLOE[1])
        async with Browser(stack, stack.new_sender("intruder")) as intruder:
            # The intruder names the victim's conversation in every way the protocol allows.
            await intruder.client.emit("session_request", {"session_id": victim_session})
            reply = await intruder.say("show me my recent orders", session_id=victim_session)
            assert "KF-500007" not in reply and "Chloé" not in reply
            assert "email" in reply.lower()  # asked to identify: a conversation of its own
        assert all("recent orders" not in text.lower() for text in victim.heard[-2:])


async def test_2_contact_details_change_only_with_a_fresh_proof(stack: Stack) -> None:
    stack.restart_action_server(KEFU_REVERIFY_MINUTES="0.02")  # about a second
    try:
        sender = stack.new_sender("stale")
        stack.identify(sender, "where is my order?", CHLOE[0], CHLOE[1])
        await asyncio.sleep(2)
        asked = stack.say(sender, "change my phone number to +33 1 4020 5999")
        assert "postcode" in asked.text.lower(), asked.text
        stack.say(sender, CHLOE[1])
    finally:
        stack.restart_action_server()


async def test_3_the_fourth_wrong_fact_is_refused_from_a_new_sender_and_after_restart(
    stack: Stack, databases: Databases
) -> None:
    # A customer no other test names: the lock counts failures per contact across the session.
    async with databases.crm() as session:
        target = await session.get(Customer, 77)
    assert target is not None and target.postcode and target.postcode != "11111"
    for label in ("guess-1", "guess-2", "guess-3"):
        reply = stack.identify(stack.new_sender(label), "where is my order?", target.email, "11111")
        assert "couldn't" in reply.text.lower() or "doesn't match" in reply.text.lower()
    fresh = stack.new_sender("guess-4")
    assert "/restart" not in stack.say(fresh, "/restart").text  # refused, not obeyed
    # Even the right fact is refused now.
    locked = stack.identify(fresh, "where is my order?", target.email, target.postcode)
    assert "too many" in locked.text.lower() and target.first_name not in locked.text


async def test_4_an_unreadable_message_gets_a_clear_reply_and_the_log_goes_on(
    stack: Stack, databases: Databases
) -> None:
    poisoned = stack.new_sender("poison")
    # JSON's escape for a lone surrogate, which no store can keep.
    body = '{"sender": "' + poisoned + '", "message": "' + "x" * 1200 + '\\ud800"}'
    reply = stack.post(body.encode())
    assert reply.status == 200 and "can't read" in reply.text.lower()
    other = stack.new_sender("after-poison")
    for text in ("hello", "what are your opening hours?", "bye"):
        assert stack.say(other, text).messages
    await databases.logger.catch_up()
    async with databases.crm() as session:
        logged = await session.scalar(
            select(func.count())
            .select_from(CommunicationRecord)
            .join(Conversation)
            .where(Conversation.sender_id == other)
        )
    assert logged and logged >= 6  # three messages, at least three replies


def test_5_a_1mb_metadata_body_gets_413(stack: Stack) -> None:
    body = json.dumps({"sender": "big", "message": "hi", "metadata": {"x": "a" * 1_000_000}})
    assert stack.post(body.encode()).status == 413


async def test_5_client_metadata_cannot_fake_the_guard(stack: Stack, databases: Databases) -> None:
    sender = stack.new_sender("fake-guard")
    body = {"sender": sender, "message": "hello", "metadata": {"kefu_guard": {"reason": "x"}}}
    assert stack.post(json.dumps(body).encode()).status == 200
    await databases.logger.catch_up()
    extras = await logged_extras(databases, sender)
    assert extras and all("kefu_guard" not in (extra or {}) for extra in extras)


def _api_status(stack: Stack, path: str, token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(stack.rasa_url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_6_rasas_http_api_wants_the_consoles_jwt(stack: Stack) -> None:
    """On for the live handoff, and only for the holder of KEFU_RASA_JWT_SECRET."""
    expires = int(time.time()) + 60
    forged = jwt.encode(
        {"user": {"username": "x", "role": "admin"}, "exp": expires},
        "a guessed secret of some length, not the server's",
        algorithm="HS256",
    )
    customer = jwt.encode(
        {"user": {"username": "demo-2", "role": "user"}, "exp": expires},
        str(stack.secrets.rasa_jwt_secret),
        algorithm="HS256",
    )
    for path in ("/status", "/conversations/demo-1/tracker", "/domain"):
        assert _api_status(stack, path, None) == 401, path
        assert _api_status(stack, path, forged) == 401, path
    # A token for one conversation opens no other, and not the server's state.
    assert _api_status(stack, "/conversations/demo-1/tracker", customer) == 403
    assert _api_status(stack, "/status", customer) == 403
    console = jwt.encode(
        {"user": {"username": "kefu-console", "role": "admin"}, "exp": expires},
        str(stack.secrets.rasa_jwt_secret),
        algorithm="HS256",
    )
    assert _api_status(stack, "/status", console) == 200


async def test_7_a_timed_out_ticket_is_not_opened_twice_by_the_retry(
    stack: Stack, databases: Databases
) -> None:
    stack.restart_action_server(KEFU_DB_TIMEOUT_SECONDS="15")
    try:
        sender = stack.new_sender("slow")
        stack.identify(sender, "I want to open a ticket", CHLOE[0], CHLOE[1])
        stack.say(sender, '/inform{"ticket_category":"payment"}')
        description = "I was charged twice for my last order, please check"
        stack.say(sender, description)
        async with databases.crm() as session:
            before = await session.scalar(select(func.count()).select_from(Ticket))
        slow = await asyncio.to_thread(held_crm_lock, stack, 4.5, lambda: stack.say(sender, "yes"))
        assert "taking longer" in slow.text.lower()
        await asyncio.sleep(2)
        # The customer tries again, the same request.
        stack.say(sender, "I want to open a ticket")
        stack.say(sender, '/inform{"ticket_category":"payment"}')
        stack.say(sender, description)
        retry = stack.say(sender, "yes")
    finally:
        stack.restart_action_server()
    async with databases.crm() as session:
        after = await session.scalar(select(func.count()).select_from(Ticket))
    assert after == before + 1
    assert "T-" in retry.text
    await databases.logger.catch_up()
    extras = await logged_extras(databases, sender)
    assert any((extra or {}).get("undelivered") for extra in extras)


def held_crm_lock(stack: Stack, seconds: float, during: Any) -> Any:
    """Run `during()` while another writer holds the CRM's SQLite write lock for `seconds`:
    the action's write waits, and the turn outlasts the guard's reply timeout."""
    path = sqlite_path(stack.settings.database.url)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, lambda: connection.execute("COMMIT"))
    release.start()
    try:
        return during()
    finally:
        release.join()
        connection.close()


async def test_8_after_erasure_no_table_of_either_store_holds_the_customer(
    stack: Stack, databases: Databases
) -> None:
    async with databases.crm() as session:
        customer = await session.scalar(select(Customer).where(Customer.id == 42))
        assert customer is not None
        email, phone, street, postcode = (
            customer.email, customer.phone, customer.street, customer.postcode
        )  # fmt: skip
    sender = stack.new_sender("to-erase")
    said = f"my new address will be {street}, I am {email}"
    stack.identify(sender, "where is my order?", email, str(postcode))
    stack.say(sender, said)
    await databases.logger.catch_up()
    erased = await asyncio.to_thread(stack.cli, "kefu", "erase-customer", "C10042")
    assert erased.returncode == 0, erased.stderr
    # A message arriving after the erasure is redacted as it is logged.
    stack.say(sender, f"still me, {email}")
    await databases.logger.catch_up()
    for url in (stack.settings.database.url, stack.settings.tracker_database_url):
        dump = every_value(sqlite_path(url))
        for detail in (email, phone, street, said):
            assert detail and detail not in dump, (url, detail)


def every_value(path: Path | None) -> str:
    assert path is not None
    with sqlite3.connect(path) as connection:
        query = "SELECT name FROM sqlite_master WHERE type='table'"
        tables = [row[0] for row in connection.execute(query)]
        return "\n".join(
            repr(row) for table in tables for row in connection.execute(f'SELECT * FROM "{table}"')
        )
