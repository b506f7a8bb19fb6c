"""Messenger end to end: a signed webhook call to the real Rasa server, the reply sent to the
(fake) Graph API for the right person, and the exchange in the CRM like any other."""

from __future__ import annotations

import json
import random

import aiohttp
import pytest

from crm_store.models import Direction
from tests.integration.support import Databases, Stack
from tests.integration.test_telegram import records, tracker_events, words
from tests.messaging_fakes import (
    META_APP_SECRET,
    META_VERIFY_TOKEN,
    FakeGraph,
    messenger_event,
    meta_signed,
)

pytestmark = pytest.mark.integration

TIMEOUT = aiohttp.ClientTimeout(total=60)


async def post_event(stack: Stack, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as client,
        client.post(f"{stack.rasa_url}/webhooks/facebook/webhook", data=body, headers=headers) as r,
    ):
        return r.status, await r.text()


def new_person() -> str:
    return str(random.randrange(10**15, 10**16))


async def test_a_messenger_conversation_is_answered_and_logged_once(
    stack: Stack, graph_api: FakeGraph, databases: Databases
) -> None:
    person = new_person()
    said = ["hi there", "what are your opening hours?"]
    for number, message in enumerate(said):
        body = json.dumps(messenger_event(person, message, f"mid-{person}-{number}")).encode()
        status, _ = await post_event(stack, body, meta_signed(body, META_APP_SECRET))
        assert status == 200
    sent = graph_api.sent_to(person)
    assert sent
    assert graph_api.actions_for(person)[:2] == ["mark_seen", "typing_on"]

    await databases.logger.catch_up()
    logged = await records(databases, f"facebook-{person}")
    assert [r.text for r in logged if r.direction is Direction.user] == said
    assert {r.channel for r in logged} == {"facebook"}
    assert words([r.text for r in logged if r.direction is Direction.bot]) == words(sent)


async def test_an_unsigned_call_is_refused(
    stack: Stack, graph_api: FakeGraph, databases: Databases
) -> None:
    person = new_person()
    body = json.dumps(messenger_event(person, "hi there", f"mid-{person}")).encode()
    status, _ = await post_event(stack, body, {"Content-Type": "application/json"})
    assert status == 401
    assert graph_api.sent_to(person) == [] and graph_api.actions_for(person) == []
    assert await tracker_events(databases, f"facebook-{person}") == 0


async def test_metas_url_check_is_answered_for_the_verify_token(stack: Stack) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": META_VERIFY_TOKEN, "hub.challenge": "7"}
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as client,
        client.get(f"{stack.rasa_url}/webhooks/facebook/webhook", params=query) as answer,
    ):
        assert (answer.status, await answer.text()) == (200, "7")
