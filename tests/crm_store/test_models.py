"""The schema's constraints hold on both backends, whatever the code above them does."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, InvalidRequestError, StatementError

from crm_store.models import (
    Base,
    Conversation,
    Customer,
    Feedback,
    Order,
    OrderStatus,
    Ticket,
)
from tests.databases import Sessions

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def customer(number: int, email: str | None = None) -> Customer:
    return Customer(
        customer_number=f"C{number}",
        email=email or f"c{number}@example.com",
        first_name="Test",
        last_name="Person",
    )


async def add(sessions: Sessions, *rows: Base) -> None:
    async with sessions() as session, session.begin():
        session.add_all(rows)


async def test_customer_email_is_unique(crm: Sessions) -> None:
    await add(crm, customer(1, "same@example.com"))
    with pytest.raises(IntegrityError):
        await add(crm, customer(2, "same@example.com"))


async def test_customer_number_is_unique(crm: Sessions) -> None:
    await add(crm, customer(1))
    with pytest.raises(IntegrityError):
        await add(
            crm,
            Customer(customer_number="C1", email="x@example.com", first_name="A", last_name="B"),
        )


async def test_foreign_keys_are_enforced(crm: Sessions) -> None:
    with pytest.raises(IntegrityError):
        await add(crm, Order(order_number="KF-1", customer_id=4242, total=Decimal("1.00")))


async def conversation(crm: Sessions, sender: str = "s", started: float = 1.0) -> int:
    async with crm() as session, session.begin():
        row = Conversation(sender_id=sender, session_started_at=started)
        session.add(row)
        await session.flush()
        return row.id


async def test_one_conversation_per_rasa_session(crm: Sessions) -> None:
    await conversation(crm, "alice", 1.5)
    await conversation(crm, "alice", 2.5)
    with pytest.raises(IntegrityError):
        await conversation(crm, "alice", 1.5)


async def test_one_feedback_per_conversation(crm: Sessions) -> None:
    conversation_id = await conversation(crm)
    await add(crm, Feedback(conversation_id=conversation_id, csat=5))
    with pytest.raises(IntegrityError):
        await add(crm, Feedback(conversation_id=conversation_id, csat=1))


@pytest.mark.parametrize(
    "values", [{"csat": 0}, {"csat": 6}, {"nps": -1}, {"nps": 11}, {"csat": 5, "nps": 11}]
)
async def test_csat_and_nps_ranges(crm: Sessions, values: dict[str, Any]) -> None:
    conversation_id = await conversation(crm)
    with pytest.raises(IntegrityError):
        await add(crm, Feedback(conversation_id=conversation_id, **values))


async def test_csat_and_nps_limits_are_allowed(crm: Sessions) -> None:
    first, second = await conversation(crm, "a"), await conversation(crm, "b")
    await add(
        crm,
        Feedback(conversation_id=first, csat=1, nps=0),
        Feedback(conversation_id=second, csat=5, nps=10, comment="<b>great</b>"),
    )


async def test_enum_columns_refuse_other_values_even_in_raw_sql(crm: Sessions) -> None:
    await add(crm, customer(1))
    with pytest.raises(StatementError):  # SQLAlchemy refuses it before the database sees it
        await add(crm, Order(order_number="KF-1", customer_id=1, status="lost", total=1))
    with pytest.raises(IntegrityError):  # and the CHECK constraint refuses raw SQL
        async with crm() as session, session.begin():
            await session.execute(
                text(
                    "INSERT INTO orders (order_number, customer_id, status, placed_at, total, "
                    "currency) VALUES ('KF-2', 1, 'lost', :now, 1, 'EUR')"
                ),
                {"now": NOW},
            )


async def test_timestamps_are_utc_aware_on_the_way_out(crm: Sessions) -> None:
    berlin = timezone(timedelta(hours=1))
    await add(crm, customer(1))
    async with crm() as session, session.begin():
        session.add(
            Order(
                order_number="KF-1",
                customer_id=1,
                placed_at=datetime(2025, 1, 2, 4, 4, 5, tzinfo=berlin),
                total=Decimal("12.34"),
            )
        )
    async with crm() as session:
        order = await session.scalar(select(Order))
    assert order is not None
    assert order.placed_at == NOW and order.placed_at.utcoffset() == timedelta(0)
    assert order.status == OrderStatus.placed and order.status == "placed"
    assert order.total == Decimal("12.34") and order.currency == "EUR"


async def test_naive_datetimes_are_refused(crm: Sessions) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        await add(crm, Customer(customer_number="C1", email="n@example.com", first_name="N",
                                last_name="N", created_at=datetime(2025, 1, 1)))  # fmt: skip


async def test_relationships_never_load_by_accident(seeded: Sessions) -> None:
    async with seeded() as session:
        anna = await session.get(Customer, 1)
        ticket = await session.scalar(select(Ticket).where(Ticket.ticket_number == "T-10001"))
        assert anna is not None and ticket is not None
        with pytest.raises(InvalidRequestError):
            _ = anna.orders
        with pytest.raises(InvalidRequestError):
            _ = ticket.order
        assert ticket.customer is anna  # already in the session: no SQL, so allowed


def test_constraint_names_follow_the_convention() -> None:
    names = {
        constraint.name
        for table in Base.metadata.tables.values()
        for constraint in (*table.constraints, *table.indexes)
    }
    assert {
        "pk_customers",
        "uq_customers_email",
        "ix_customers_phone",
        "fk_orders_customer_id_customers",
        "ck_orders_order_status",
        "ck_feedback_csat_range",
        "uq_feedback_conversation_id",
        "uq_conversations_sender_id_session_started_at",
        "uq_communication_records_source_key",
    } <= names
