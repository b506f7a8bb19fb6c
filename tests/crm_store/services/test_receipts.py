"""A request that changes records, repeated with the same key, changes nothing more."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.engine.interfaces import CacheStats

from crm_store.models import Ticket
from crm_store.services.orders import cancel_order
from crm_store.services.receipts import earlier_result, keep_receipt
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


async def test_an_insert_that_ignores_conflicts_is_compiled_once(seeded: Sessions) -> None:
    """The dialects' INSERT … ON CONFLICT opts out of SQLAlchemy's statement cache; Kefu's is
    cached (compiling it on every execution was a tenth of the action server's CPU), and a
    repeated key still changes nothing."""
    compiled: list[Any] = []

    def seen(
        _conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if "ON CONFLICT DO NOTHING" in statement:
            compiled.append(context.cache_hit)

    async with seeded() as session, session.begin():
        bind = session.get_bind()
        event.listen(bind, "before_cursor_execute", seen)
        try:
            for key in ("receipt-1", "receipt-2", "receipt-2"):
                await keep_receipt(session, key, "cancel", key)
        finally:
            event.remove(bind, "before_cursor_execute", seen)
        assert await earlier_result(session, "receipt-2") == "receipt-2"
    assert len(compiled) == 3
    assert compiled[1:] == [CacheStats.CACHE_HIT, CacheStats.CACHE_HIT]
