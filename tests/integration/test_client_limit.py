"""One client guessing identities across conversations is stopped, through the real servers.

The CRM counts wrong contact/fact pairs per client (CLIENT_LIMIT in 15 minutes); the client is
what the Rasa server read from the request: here the address the tests, a trusted proxy on
loopback, forward in X-Forwarded-For. Neither a new conversation nor metadata naming another
client gets around it.
"""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from crm_store.models import Conversation, Customer, VerificationFailure
from crm_store.services.verification import CLIENT_LIMIT
from tests.integration.support import Databases, Reply, Stack

pytestmark = pytest.mark.integration

# A customer no other test names (a contact's own limit must not be what stops them here).
TARGET_ID = 91


def said(stack: Stack, sender: str, text: str, client: str) -> Reply:
    """A message from `client` whose metadata claims to come from a client of its own."""
    body = {"sender": sender, "message": text, "metadata": {"kefu_client": uuid.uuid4().hex}}
    return stack.post(json.dumps(body).encode(), client=client)


async def failures(databases: Databases) -> list[str | None]:
    async with databases.crm() as session:
        rows = await session.scalars(
            select(VerificationFailure.client_key).order_by(VerificationFailure.id)
        )
        return list(rows)


async def test_one_client_is_stopped_after_its_limit_of_wrong_pairs_in_any_conversation(
    stack: Stack, databases: Databases
) -> None:
    guesser = "203.0.113.77"
    async with databases.crm() as session:
        target = await session.get(Customer, TARGET_ID)
    assert target is not None and target.email and target.postcode
    before = len(await failures(databases))
    # A script walking a list of emails, one new conversation per guess.
    for n in range(CLIENT_LIMIT):
        sender = stack.new_sender(f"walker-{n}")
        said(stack, sender, "where is my order?", guesser)
        said(stack, sender, f"walker{n}.{uuid.uuid4().hex[:6]}@example.com", guesser)
        reply = said(stack, sender, "10115", guesser)
        assert "couldn't verify" in reply.text.lower(), reply.text
    counted = (await failures(databases))[before:]
    assert len(counted) == CLIENT_LIMIT and len(set(counted)) == 1 and counted[0] is not None

    # The next conversation from the same client, in German, with a right pair: refused,
    # in German, nothing looked up, nothing counted, nobody verified.
    locked = stack.new_sender("walker-locked")
    said(stack, locked, "Hallo, wo ist meine Bestellung?", guesser)
    said(stack, locked, target.email, guesser)
    refused = said(stack, locked, target.postcode, guesser)
    assert "Zu Ihrer Sicherheit" in refused.text and "Minuten" in refused.text, refused.text
    assert target.first_name not in refused.text
    assert len(await failures(databases)) == before + CLIENT_LIMIT
    await databases.logger.catch_up()
    async with databases.crm() as session:
        conversation = await session.scalar(
            select(Conversation).where(Conversation.sender_id == locked)
        )
        verified = await session.scalar(
            select(func.count())
            .select_from(Conversation)
            .where(Conversation.customer_id == TARGET_ID)
        )
    assert conversation is not None and conversation.customer_id is None and not verified

    # The customer themself, from their own connection, is not locked out.
    own = stack.identify(stack.new_sender("target"), "where is my order?", *facts(target))
    assert target.first_name in own.text, own.text


def facts(customer: Customer) -> tuple[str, str]:
    return str(customer.email), str(customer.postcode)
