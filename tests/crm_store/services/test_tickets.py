"""Ticket services: opening, returns within 30 days, look-ups scoped to the customer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm_store.errors import InvalidValue, NotFound, OrderNotFound, OrderNotReturnable
from crm_store.models import Conversation, Ticket, TicketStatus
from crm_store.services.conversations import ConversationKey
from crm_store.services.tickets import (
    TICKET_CATEGORIES,
    get_ticket,
    latest_ticket,
    open_returns,
    open_ticket,
    open_tickets,
    request_return,
)
from tests.databases import Sessions

ANNA, BEN, CHLOE = 1, 2, 3


async def test_open_ticket_numbers_it_after_the_seeded_ones(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        ticket = await open_ticket(session, ANNA, "Payment", "I was charged twice.", "rest")
    assert ticket.ticket_number == "T-10801"  # 800 seeded tickets
    assert (ticket.type, ticket.status, ticket.priority, ticket.category) == (
        "problem",
        "new",
        "normal",
        "payment",
    )
    assert "charged twice" in ticket.subject
    async with seeded() as session:
        assert (await get_ticket(session, ANNA, "t10801")).ticket_number == "T-10801"


async def test_open_ticket_links_the_conversation_and_its_customer(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        web = ConversationKey("web-123", 1700000000.5, "socketio")
        ticket = await open_ticket(session, ANNA, "delivery", "Where is it?", web)
    async with seeded() as session:
        row = await session.scalar(
            select(Ticket).where(Ticket.ticket_number == ticket.ticket_number)
        )
        conversation = await session.scalar(
            select(Conversation).where(Conversation.sender_id == "web-123")
        )
    assert row is not None and conversation is not None
    assert row.conversation_id == conversation.id and row.channel == "socketio"
    assert conversation.customer_id == ANNA
    assert conversation.session_started_at == 1700000000.5


async def test_tickets_get_distinct_numbers(seeded: Sessions) -> None:
    numbers = set()
    for _ in range(3):
        async with seeded() as session, session.begin():
            numbers.add((await open_ticket(session, BEN, "other", "hello", "rest")).ticket_number)
    assert len(numbers) == 3


@pytest.mark.parametrize(
    ("category", "description"),
    [
        ("weather", "It rains"),
        ("", "text"),
        ("delivery", ""),
        ("delivery", "   "),
        ("delivery", "x" * 5001),
    ],
)
async def test_open_ticket_refuses_bad_input_and_creates_nothing(
    seeded: Sessions, category: str, description: str
) -> None:
    with pytest.raises(InvalidValue):
        async with seeded() as session, session.begin():
            await open_ticket(session, ANNA, category, description, "rest")
    async with seeded() as session:
        assert len(await open_tickets(session, ANNA)) == 1


async def test_open_ticket_for_an_unknown_customer(seeded: Sessions) -> None:
    with pytest.raises(NotFound):
        async with seeded() as session, session.begin():
            await open_ticket(session, 999_999, "delivery", "hi", "rest")


def test_the_categories_are_the_contracts() -> None:
    assert TICKET_CATEGORIES == ("delivery", "payment", "product", "account", "other")


async def test_request_return_of_a_recent_delivery(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        rest = ConversationKey("s-1", 5.0, "rest")
        ticket = await request_return(session, ANNA, "KF-500003", "Too small.", rest)
    assert (ticket.type, ticket.category, ticket.status) == ("return", "product", "new")
    assert ticket.subject == "Return request for KF-500003"
    async with seeded() as session:
        row = await session.scalar(
            select(Ticket).where(Ticket.ticket_number == ticket.ticket_number)
        )
    assert row is not None and row.description == "Too small." and row.order_id == 3

    # Asking twice does not open a second return.
    with pytest.raises(OrderNotReturnable) as raised:
        async with seeded() as session, session.begin():
            await request_return(session, ANNA, "KF-500003", "Again", "rest")
    assert raised.value.reason == "return_already_requested"


async def test_open_returns_are_the_customers_returns_still_worked_on(seeded: Sessions) -> None:
    async with seeded() as session:
        assert await open_returns(session, ANNA) == []
    async with seeded() as session, session.begin():
        ticket = await request_return(session, ANNA, "KF-500003", "Too small.", "rest")
    async with seeded() as session:
        assert await open_returns(session, ANNA) == [("KF-500003", ticket.ticket_number)]
        assert await open_returns(session, BEN) == []
    async with seeded() as session, session.begin():
        row = await session.scalar(
            select(Ticket).where(Ticket.ticket_number == ticket.ticket_number)
        )
        assert row is not None
        row.status = TicketStatus.resolved
    async with seeded() as session:
        assert await open_returns(session, ANNA) == []


@pytest.mark.parametrize(
    ("customer", "number", "status", "reason"),
    [
        (BEN, "KF-500004", "delivered", "return_window_closed"),  # 60 days ago
        (ANNA, "KF-500002", "shipped", "not_delivered"),
        (ANNA, "KF-500001", "paid", "not_delivered"),
        (CHLOE, "KF-500006", "cancelled", "cancelled"),
    ],
)
async def test_request_return_refuses_orders_outside_the_rules(
    seeded: Sessions, customer: int, number: str, status: str, reason: str
) -> None:
    with pytest.raises(OrderNotReturnable) as raised:
        async with seeded() as session, session.begin():
            await request_return(session, customer, number, "Changed my mind", "rest")
    assert (raised.value.order_number, raised.value.status, raised.value.reason) == (
        number,
        status,
        reason,
    )


async def test_request_return_of_someone_elses_order(seeded: Sessions) -> None:
    with pytest.raises(OrderNotFound):
        async with seeded() as session, session.begin():
            await request_return(session, BEN, "KF-500003", "not mine", "rest")


async def test_get_ticket_is_scoped_to_the_customer(seeded: Sessions) -> None:
    async with seeded() as session:
        mine = await get_ticket(session, ANNA, "T-10001")
        assert (mine.status, mine.category) == ("open", "delivery")
        chloes = await get_ticket(session, CHLOE, "T-10002")
        assert chloes.status == "resolved"
        for customer, number in [(ANNA, "T-10002"), (ANNA, "T-99999"), (ANNA, "rubbish")]:
            with pytest.raises(NotFound):
                await get_ticket(session, customer, number)


async def test_open_tickets_are_new_open_or_pending_newest_first(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        await open_ticket(session, ANNA, "account", "Locked out", "rest")
    async with seeded() as session:
        anna = await open_tickets(session, ANNA)
        chloe = await open_tickets(session, CHLOE)
    assert [t.ticket_number for t in anna] == ["T-10801", "T-10001"]
    assert chloe == []


async def test_latest_ticket_is_the_newest_whatever_its_status(seeded: Sessions) -> None:
    async with seeded() as session:
        chloe = await latest_ticket(session, CHLOE)
    assert chloe is not None and (chloe.ticket_number, chloe.status) == ("T-10002", "resolved")
    async with seeded() as session, session.begin():
        await open_ticket(session, CHLOE, "account", "Locked out", "rest")
    async with seeded() as session:
        newest = await latest_ticket(session, CHLOE)
        nobody = await latest_ticket(session, 999_999)
    assert newest is not None and (newest.subject, newest.status) == ("Account: Locked out", "new")
    assert nobody is None


async def test_hostile_description_is_stored_verbatim(seeded: Sessions) -> None:
    text = "'; DROP TABLE tickets; -- <script>alert('x')</script>"
    async with seeded() as session, session.begin():
        ticket = await open_ticket(session, ANNA, "other", text, "rest")
    async with seeded() as session:
        stored = await session.scalar(
            select(Ticket.description).where(Ticket.ticket_number == ticket.ticket_number)
        )
    assert stored == text
