"""Slack end to end: a signed event posted to the real Rasa server's Slack webhook, the reply
posted to the (fake) Web API in the right channel, and the exchange in the CRM like any other.

Slack's connector answers Slack at once and runs the turn afterwards (Slack wants its answer
within 3 s); the test waits for the turn by the tracker store, which Rasa writes after the turn
has sent its replies.
"""

from __future__ import annotations

import asyncio
import json
import random
import time

import aiohttp
import pytest
from sqlalchemy import text

from crm_store.models import Direction
from tests.integration.support import Databases, Stack
from tests.integration.test_telegram import records, tracker_events, words
from tests.messaging_fakes import FakeSlack, slack_event, slack_signed

pytestmark = pytest.mark.integration

TIMEOUT = aiohttp.ClientTimeout(total=60)
# How long a turn may take before the test gives up waiting for it (it fails, never sleeps on).
TURN_SECONDS = 60


async def post_event(stack: Stack, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as client,
        client.post(f"{stack.rasa_url}/webhooks/slack/webhook", data=body, headers=headers) as r,
    ):
        return r.status, await r.text()


async def user_turns_done(databases: Databases, sender: str) -> int:
    async with databases.tracker_engine.connect() as connection:
        found = await connection.scalar(
            text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'user'"),
            {"s": sender},
        )
    return int(found or 0)


async def until_turns(databases: Databases, sender: str, turns: int) -> None:
    deadline = time.monotonic() + TURN_SECONDS
    while await user_turns_done(databases, sender) < turns:
        assert time.monotonic() < deadline, f"turn {turns} of {sender} never finished"
        await asyncio.sleep(0.2)


async def test_a_slack_conversation_is_answered_and_logged_once(
    stack: Stack, slack_api: FakeSlack, databases: Databases
) -> None:
    user, channel = f"U{random.randrange(10**9)}", f"D{random.randrange(10**9)}"
    said = ["hi there", "what are your opening hours?"]
    for turn, message in enumerate(said, start=1):
        body = json.dumps(slack_event(user, channel, message)).encode()
        status, _ = await post_event(stack, body, slack_signed(body))
        assert status == 200
        await until_turns(databases, f"slack-{user}", turn)
    sent = slack_api.sent_to(channel)
    assert sent

    await databases.logger.catch_up()
    logged = await records(databases, f"slack-{user}")
    assert [r.text for r in logged if r.direction is Direction.user] == said
    assert {r.channel for r in logged} == {"slack"}
    assert words([r.text for r in logged if r.direction is Direction.bot]) == words(sent)


async def test_slacks_url_check_is_answered(stack: Stack) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "kefu-challenge"}).encode()
    status, answer = await post_event(stack, body, slack_signed(body))
    assert status == 200 and "kefu-challenge" in answer


@pytest.mark.parametrize("forgery", ["unsigned", "wrong secret", "replayed"])
async def test_an_unsigned_or_replayed_event_is_refused(
    stack: Stack, slack_api: FakeSlack, databases: Databases, forgery: str
) -> None:
    user, channel = f"U{random.randrange(10**9)}", f"D{random.randrange(10**9)}"
    body = json.dumps(slack_event(user, channel, "hi there")).encode()
    headers = {
        "unsigned": {"Content-Type": "application/json"},
        "wrong secret": slack_signed(body, secret="not-the-signing-secret"),
        # Signed right, an hour ago: Slack's replay window is five minutes.
        "replayed": slack_signed(body, at=time.time() - 3600),
    }[forgery]
    status, _ = await post_event(stack, body, headers)
    assert status == 400
    assert slack_api.sent_to(channel) == []
    assert await tracker_events(databases, f"slack-{user}") == 0
