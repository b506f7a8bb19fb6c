"""A request that changes records, repeated with the same key, changes nothing more."""

from __future__ import annotations

from sqlalchemy import func, select

from crm_store.models import Ticket
from crm_store.services.orders import cancel_order
from crm_store.services.tickets import open_ticket, request_return
from tests.databases import Sessions

ANNA, BEN = 1, 2


async def tickets(sessions: Sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)


async def test_a_repeated_ticket_request_returns_the_first_ticket(seeded: Sessions) -> None:
    before = await tickets(seeded)
    async with seeded() as session, session.begin():
        first = await open_ticket(session, ANNA, "payment", "Charged twice", "rest", "key-1")
    async with seeded() as session, session.begin():
        again = await open_ticket(session, ANNA, "payment", "Charged twice", "rest", "key-1")
        other = await open_ticket(session, ANNA, "payment", "Charged twice", "rest", "key-2")
    assert again.ticket_number == first.ticket_number != other.ticket_number
    assert await tickets(seeded) == before + 2


async def test_a_repeated_cancel_succeeds_without_cancelling_again(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        first = await cancel_order(session, BEN, "KF-500005", "cancel-1")
    async with seeded() as session, session.begin():
        again = await cancel_order(session, BEN, "KF-500005", "cancel-1")
    assert (first.status, again.status) == ("cancelled", "cancelled")
    assert again.cancelled_at == first.cancelled_at


async def test_a_repeated_return_request_opens_one_ticket(seeded: Sessions) -> None:
    before = await tickets(seeded)
    for _ in range(2):
        async with seeded() as session, session.begin():
            ticket = await request_return(session, ANNA, "KF-500003", "Too small", "rest", "r-1")
    assert ticket.subject == "Return request for KF-500003"
    assert await tickets(seeded) == before + 1
