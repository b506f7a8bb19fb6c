"""Whole conversations through the REST channel of the real Rasa server and action server."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import func, select, text

from crm_store.models import (
    CommunicationRecord,
    Conversation,
    Customer,
    Feedback,
    Order,
    Ticket,
)
from tests.integration.support import Databases, Stack

pytestmark = pytest.mark.integration

OTHER_CUSTOMERS_FACTS = (
    "Ben",
    "Okafor",
    "ben.okafor@example.com",
    "Chloé",
    "chloe.martin@example.com",
)


async def order_status(databases: Databases, order_number: str) -> str:
    async with databases.crm() as session:
        status = await session.scalar(
            select(Order.status).where(Order.order_number == order_number)
        )
        return status.value if status is not None else "missing"


async def test_identify_status_cancel_ticket_and_rate(stack: Stack, databases: Databases) -> None:
    sender = stack.new_sender("journey")
    assert stack.say(sender, "hi there").messages

    verified = stack.identify(sender, "where is my order?", "anna.schmidt@example.com", "10115")
    assert "Anna" in verified.text

    status = stack.say(sender, "what's the status of order KF-500002?")
    assert "KF-500002" in status.text
    assert "00340434161234567890" in status.text  # Anna's DHL tracking number

    asked = stack.say(sender, "I want to cancel order KF-500001")
    assert "KF-500001" in asked.text
    done = stack.say(sender, "yes")
    assert "cancel" in done.text.lower()
    assert await order_status(databases, "KF-500001") == "cancelled"

    stack.say(sender, "I'd like to open a support ticket")
    stack.say(sender, '/inform{"ticket_category":"delivery"}')
    summary = stack.say(sender, "The parcel box was damaged and the lamp inside is broken.")
    assert summary.messages
    opened = stack.say(sender, "yes")
    assert "T-" in opened.text
    async with databases.crm() as session:
        ticket = await session.scalar(
            select(Ticket).where(Ticket.description.contains("lamp inside is broken"))
        )
        assert ticket is not None and ticket.category == "delivery"

    goodbye = stack.say(sender, "bye")
    assert '/inform{"rating":5}' in goodbye.payloads, goodbye
    # Rasa fills {placeholders} in responses; the doubled braces of the payloads must not
    # have been taken for one (it logs an error each time otherwise).
    assert "rasa.core.nlg.interpolator" not in (stack.log_dir / "rasa.log").read_text()
    stack.say(sender, '/inform{"rating":5}')
    stack.say(sender, "no, all good")
    async with databases.crm() as session:
        feedback = await session.scalar(
            select(Feedback).join(Conversation).where(Conversation.sender_id == sender)
        )
        assert feedback is not None and feedback.csat == 5


async def test_phone_identification_and_recent_orders(stack: Stack) -> None:
    sender = stack.new_sender("recent")
    reply = stack.identify(sender, "show me my recent orders", "+44 20 7946 0018", "KF-500004")
    assert "Ben" in reply.text
    listing = stack.say(sender, "show me my recent orders")
    assert "KF-500005" in listing.text and "KF-500004" in listing.text
    assert "KF-500001" not in listing.text  # Anna's order


async def test_cancelling_a_shipped_order_is_refused(stack: Stack, databases: Databases) -> None:
    sender = stack.new_sender("shipped")
    stack.identify(sender, "cancel my order please", "C10003", "80331")
    refusal = stack.say(sender, "KF-500007")
    assert "ship" in refusal.text.lower()
    assert await order_status(databases, "KF-500007") == "shipped"


async def test_unknown_customer_and_wrong_facts_end_politely(
    stack: Stack, databases: Databases
) -> None:
    sender = stack.new_sender("intruder")
    replies = [stack.say(sender, "where is my order?")]
    for contact, fact in (
        ("nobody@example.com", "10115"),
        ("anna.schmidt@example.com", "99999"),  # a real customer, the wrong postcode
        ("ben.okafor@example.com", "KF-500001"),  # someone else's order number
    ):
        replies.append(stack.say(sender, contact))
        replies.append(stack.say(sender, fact))
    transcript = "\n".join(reply.text for reply in replies)
    for fact in ("Anna", "Schmidt", "Ben", "Okafor", "KF-500002", "Berlin"):
        assert fact not in transcript
    # Further attempts in this conversation are refused without looking anything up.
    later = stack.say(sender, "show me my recent orders")
    assert "KF-" not in later.text
    async with databases.crm() as session:
        conversation_customer = await session.scalar(
            select(Conversation.customer_id).where(Conversation.sender_id == sender)
        )
    assert conversation_customer is None


async def test_return_request_creates_a_ticket(stack: Stack, databases: Databases) -> None:
    sender = stack.new_sender("return")
    stack.identify(sender, "I want to return something", "anna.schmidt@example.com", "KF-500003")
    stack.say(sender, "KF-500003")
    confirmation = stack.say(sender, "it arrived scratched and does not fit my desk")
    assert "T-" in confirmation.text
    async with databases.crm() as session:
        ticket = await session.scalar(
            select(Ticket).where(Ticket.description.contains("scratched"))
        )
        assert ticket is not None and ticket.type.value == "return"


async def test_update_email_rejects_malformed_then_saves(
    stack: Stack, databases: Databases
) -> None:
    sender = stack.new_sender("email")
    stack.identify(sender, "I need to change my email", "C10002", "20095")
    malformed = stack.say(sender, "ben at example dot com")
    assert "email" in malformed.text.lower()
    stack.say(sender, "ben.new@example.org")
    async with databases.crm() as session:
        email = await session.scalar(
            select(Customer.email).where(Customer.customer_number == "C10002")
        )
    assert email == "ben.new@example.org"
    # The stack is shared: the conversation suite identifies Ben by his demo email.
    async with databases.crm() as session, session.begin():
        customer = await session.scalar(
            select(Customer).where(Customer.customer_number == "C10002")
        )
        assert customer is not None
        customer.email = "ben.okafor@example.com"


async def test_faq_small_talk_and_handoff(stack: Stack, databases: Databases) -> None:
    sender = stack.new_sender("faq")
    assert "30 days" in stack.say(sender, "what is your returns policy?").text
    assert stack.say(sender, "are you a bot?").messages
    assert stack.say(sender, "what can you do?").messages
    handoff = stack.say(sender, "I want to talk to a human")
    assert handoff.messages
    async with databases.crm() as session:
        status = await session.scalar(
            select(Conversation.status).where(Conversation.sender_id == sender)
        )
    assert str(status).endswith("handoff")


@pytest.mark.parametrize(
    "hostile",
    [
        "'; DROP TABLE customers; --",
        "<script>alert('x')</script> where is my order",
        "anna.schmidt@example.com' OR '1'='1",
    ],
)
async def test_hostile_text_changes_nothing_and_leaks_nothing(
    stack: Stack, databases: Databases, hostile: str
) -> None:
    async with databases.crm() as session:
        before = await session.scalar(select(func.count()).select_from(Customer))
    sender = stack.new_sender("hostile")
    reply = stack.say(sender, hostile)
    assert reply.status == 200 and reply.messages
    follow_up = stack.say(sender, hostile)
    for fact in ("Schmidt", "Okafor", "10115", "KF-500002"):
        assert fact not in reply.text + follow_up.text
    async with databases.crm() as session:
        assert await session.scalar(select(func.count()).select_from(Customer)) == before


async def test_records_equal_the_trackers_user_and_bot_events(
    stack: Stack, databases: Databases
) -> None:
    sender = stack.new_sender("ledger")
    stack.say(sender, "hello")
    stack.say(sender, "what are your opening hours?")
    stack.say(sender, "thanks!")
    await databases.logger.catch_up()
    again = await databases.logger.catch_up()
    assert again == 0  # a replay adds nothing

    async with databases.tracker_engine.connect() as connection:
        rows = (
            await connection.execute(
                text("SELECT sender_id, type_name FROM events WHERE type_name IN ('user', 'bot')")
            )
        ).all()
    expected: dict[tuple[str, str], int] = {}
    for sender_id, type_name in rows:
        expected[(sender_id, type_name)] = expected.get((sender_id, type_name), 0) + 1
    async with databases.crm() as session:
        logged = (
            await session.execute(
                select(Conversation.sender_id, CommunicationRecord.direction, func.count())
                .join(Conversation, CommunicationRecord.conversation_id == Conversation.id)
                .group_by(Conversation.sender_id, CommunicationRecord.direction)
            )
        ).all()
    # An agent's reply is a bot event in the tracker (sent through Rasa's API), an agent record
    # in the CRM: conversations of the handoff tests, when they ran first, have them.
    actual: dict[tuple[str, str], int] = {}
    for sender_id, direction, n in logged:
        kind = str(getattr(direction, "value", direction))
        key = (sender_id, "bot" if kind == "agent" else kind)
        actual[key] = actual.get(key, 0) + n
    assert actual == expected
    assert expected[(sender, "user")] == 3

    stats = await asyncio.to_thread(stack.cli, "crm_store", "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)
    assert counts["records"]["user"] == sum(
        n for (_, kind), n in expected.items() if kind == "user"
    )
    assert counts["records"]["bot"] + counts["records"].get("agent", 0) == sum(
        n for (_, kind), n in expected.items() if kind == "bot"
    )


async def test_goodbye_in_the_middle_of_identification_lets_the_customer_go(
    stack: Stack,
) -> None:
    sender = stack.new_sender("leaving")
    assert "email" in stack.say(sender, "where is my order?").text.lower()
    farewell = stack.say(sender, "bye")
    assert "goodbye" in farewell.text.lower()
    assert "email" not in farewell.text.lower()
