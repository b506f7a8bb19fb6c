"""Order services: look-ups are scoped to the customer; only placed/paid orders can be cancelled."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from crm_store.errors import OrderNotCancellable, OrderNotFound
from crm_store.models import Order, OrderStatus, utcnow
from crm_store.services.orders import cancel_order, get_order, recent_orders
from tests.databases import Sessions

ANNA, BEN, CHLOE = 1, 2, 3


async def test_get_order_shows_status_tracking_and_items(seeded: Sessions) -> None:
    async with seeded() as session:
        order = await get_order(session, ANNA, "kf500002")
    assert order.order_number == "KF-500002"
    assert order.status == "shipped"
    assert (order.carrier, order.tracking_number) == ("DHL", "00340434161234567890")
    assert isinstance(order.total, Decimal) and order.total > 0
    assert order.currency == "EUR"
    assert order.placed_at.tzinfo is not None and order.shipped_at is not None
    assert " × " in order.item_summary


@pytest.mark.parametrize("number", ["KF-500004", "KF-999999", "not an order", "", "' OR 1=1 --"])
async def test_get_order_of_someone_else_or_unknown_is_not_found(
    seeded: Sessions, number: str
) -> None:
    async with seeded() as session:
        with pytest.raises(OrderNotFound):
            await get_order(session, ANNA, number)


async def test_recent_orders_are_newest_first(seeded: Sessions) -> None:
    async with seeded() as session:
        recent = await recent_orders(session, ANNA)
        two = await recent_orders(session, ANNA, limit=2)
        nobody = await recent_orders(session, 999_999)
    assert [o.order_number for o in recent] == ["KF-500001", "KF-500002", "KF-500003"]
    assert [o.order_number for o in two] == ["KF-500001", "KF-500002"]
    assert nobody == []


async def test_an_order_with_its_items_and_products_takes_two_statements(
    seeded: Sessions,
) -> None:
    # The order-status turn waits for each statement: orders, then items with their products.
    statements: list[object] = []
    async with seeded() as session:
        event.listen(session.sync_session, "do_orm_execute", statements.append)
        (order,) = await recent_orders(session, ANNA, limit=1)
        assert " × " in order.item_summary
        assert len(statements) == 2
        statements.clear()
        named = await get_order(session, ANNA, "KF-500002")
        assert " × " in named.item_summary and len(statements) == 2


async def test_demo_orders_are_as_documented(seeded: Sessions) -> None:
    async with seeded() as session:
        statuses = {
            number: (await get_order(session, customer, number)).status
            for customer, number in [
                (ANNA, "KF-500001"),
                (ANNA, "KF-500003"),
                (BEN, "KF-500004"),
                (BEN, "KF-500005"),
                (CHLOE, "KF-500006"),
                (CHLOE, "KF-500007"),
            ]
        }
        ups = await get_order(session, CHLOE, "KF-500007")
        delivered = await get_order(session, ANNA, "KF-500003")
    assert statuses == {
        "KF-500001": "paid",
        "KF-500003": "delivered",
        "KF-500004": "delivered",
        "KF-500005": "placed",
        "KF-500006": "cancelled",
        "KF-500007": "shipped",
    }
    assert ups.carrier == "UPS"
    assert delivered.delivered_at is not None
    assert timedelta(days=4) < utcnow() - delivered.delivered_at < timedelta(days=6)


@pytest.mark.parametrize(("customer", "number"), [(ANNA, "KF-500001"), (BEN, "500005")])
async def test_cancel_a_placed_or_paid_order(seeded: Sessions, customer: int, number: str) -> None:
    async with seeded() as session, session.begin():
        order = await cancel_order(session, customer, number)
    assert order.status == "cancelled"
    assert order.cancelled_at is not None
    async with seeded() as session:
        stored = await session.scalar(
            select(Order.status).where(Order.order_number == order.order_number)
        )
    assert stored == OrderStatus.cancelled


@pytest.mark.parametrize(
    ("customer", "number", "status"),
    [
        (ANNA, "KF-500002", "shipped"),
        (ANNA, "KF-500003", "delivered"),
        (CHLOE, "KF-500006", "cancelled"),
    ],
)
async def test_cancelling_a_shipped_or_finished_order_is_refused_and_changes_nothing(
    seeded: Sessions, customer: int, number: str, status: str
) -> None:
    with pytest.raises(OrderNotCancellable) as raised:
        async with seeded() as session, session.begin():
            await cancel_order(session, customer, number)
    assert (raised.value.order_number, raised.value.status) == (number, status)
    async with seeded() as session:
        assert (await get_order(session, customer, number)).status == status


async def test_cancelling_someone_elses_order_is_not_found(seeded: Sessions) -> None:
    with pytest.raises(OrderNotFound):
        async with seeded() as session, session.begin():
            await cancel_order(session, ANNA, "KF-500005")  # Ben's, placed
    async with seeded() as session:
        assert (await get_order(session, BEN, "KF-500005")).status == "placed"
