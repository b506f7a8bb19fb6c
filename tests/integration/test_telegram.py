"""Telegram end to end: an Update posted to the real Rasa server's webhook, the reply arriving at
the (fake) Bot API for the right chat, and the exchange in the CRM like any other.

The stack's Telegram channel talks to tests/messaging_fakes.py on loopback; the Rasa server
registered its webhook there when it started, with the secret the launcher generated.
"""

from __future__ import annotations

import json
import random
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select, text

from crm_store.models import CommunicationRecord, Conversation, Direction
from tests.integration.support import Databases, Stack
from tests.messaging_fakes import FakeTelegram, update

pytestmark = pytest.mark.integration

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# A Telegram update is answered within the guard's reply timeout; this only bounds a hang.
TIMEOUT = aiohttp.ClientTimeout(total=60)


def new_chat() -> int:
    return random.randrange(10**8, 10**9)


async def post_update(stack: Stack, body: Any, secret: str | None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as client,
        client.post(
            f"{stack.rasa_url}/webhooks/telegram/webhook", data=data, headers=headers
        ) as answer,
    ):
        return answer.status, await answer.json(content_type=None)


async def tracker_events(databases: Databases, sender: str) -> int:
    async with databases.tracker_engine.connect() as connection:
        found = await connection.scalar(
            text("SELECT count(*) FROM events WHERE sender_id = :sender"), {"sender": sender}
        )
    return int(found or 0)


async def records(databases: Databases, sender: str) -> list[CommunicationRecord]:
    async with databases.crm() as session:
        return list(
            await session.scalars(
                select(CommunicationRecord)
                .join(Conversation, CommunicationRecord.conversation_id == Conversation.id)
                .where(Conversation.sender_id == sender)
                .order_by(CommunicationRecord.sent_at, CommunicationRecord.id)
            )
        )


def words(texts: list[str]) -> list[str]:
    # Telegram's output sends a reply's paragraphs as separate messages: compare the words.
    return " ".join(texts).split()


async def test_the_webhook_was_registered_with_the_generated_secret(
    stack: Stack, telegram_api: FakeTelegram
) -> None:
    registered = telegram_api.called("setWebhook")
    assert registered, "the Rasa server did not register its Telegram webhook"
    assert registered[-1]["url"] == f"{stack.rasa_url}/webhooks/telegram/webhook"
    secret = stack.secrets.telegram_webhook_secret
    assert secret and registered[-1]["secret_token"] == secret


async def test_a_telegram_conversation_is_answered_and_logged_once(
    stack: Stack, telegram_api: FakeTelegram, databases: Databases
) -> None:
    chat, secret = new_chat(), stack.secrets.telegram_webhook_secret
    said = [
        "hi there",
        "what are your opening hours?",
        "x" * (stack.settings.max_message_chars + 1),
    ]
    for number, message in enumerate(said):
        status, body = await post_update(stack, update(chat + number, chat, message), secret)
        assert (status, body) == (200, {"status": "ok"})
    sent = telegram_api.sent_to(chat)
    assert len(sent) >= len(said)
    # The over-long one never reached NLU: the guard's reply came instead.
    assert "too long" in sent[-1]

    await databases.logger.catch_up()
    logged = await records(databases, f"telegram-{chat}")
    customer = [r for r in logged if r.direction is Direction.user]
    bot = [r for r in logged if r.direction is Direction.bot]
    assert [r.text for r in customer][:2] == said[:2] and len(customer) == len(said)
    assert customer[2].intent == "message_too_long"
    assert {r.channel for r in logged} == {"telegram"}
    # Every reply the chat received is logged once, and nothing the chat did not receive.
    assert words([r.text for r in bot]) == words(sent)
    assert await databases.logger.catch_up() == 0


@pytest.mark.parametrize("secret", [None, "", "not-the-secret"])
async def test_a_stranger_without_the_secret_is_refused(
    stack: Stack, telegram_api: FakeTelegram, databases: Databases, secret: str | None
) -> None:
    chat = new_chat()
    status, body = await post_update(stack, update(chat, chat, "hi there"), secret)
    assert status == 401 and body["error"] == "unauthorized"
    assert telegram_api.sent_to(chat) == []
    assert await tracker_events(databases, f"telegram-{chat}") == 0


async def test_a_malformed_update_changes_nothing(
    stack: Stack, telegram_api: FakeTelegram, databases: Databases
) -> None:
    chat, secret = new_chat(), stack.secrets.telegram_webhook_secret
    broken = {"update_id": chat, "message": {"chat": {"id": str(chat)}, "text": "hi"}}
    for body in (b"{not json", broken):
        status, answer = await post_update(stack, body, secret)
        assert status == 400 and answer["error"] in {"malformed_json", "malformed_update"}
    assert telegram_api.sent_to(chat) == []
    assert await tracker_events(databases, f"telegram-{chat}") == 0
