"""Order services: look up a customer's orders and cancel one (inside the caller's transaction)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm_store.errors import OrderNotCancellable, OrderNotFound
from crm_store.models import Order, OrderItem, OrderStatus, utcnow
from crm_store.normalize import normalize_order_number
from crm_store.services._common import order_view, value_of
from crm_store.services.customers import as_customer_id
from crm_store.services.receipts import earlier_result, keep_receipt
from crm_store.views import OrderView

CANCELLABLE_STATUSES = (OrderStatus.placed, OrderStatus.paid)


def _with_items(statement: Select[tuple[Order]]) -> Select[tuple[Order]]:
    # Two statements, orders then their items joined to their products (a third for the
    # products cost the customer's order-status turn another round trip to the database).
    return statement.options(selectinload(Order.items).joinedload(OrderItem.product))


async def load_order(
    session: AsyncSession, customer_id: int, order_number: str, for_update: bool = False
) -> Order:
    """The customer's order and items; OrderNotFound if malformed, absent or someone else's."""
    number = normalize_order_number(order_number)
    if number is None:
        raise OrderNotFound(str(order_number))
    statement = _with_items(
        select(Order).where(
            Order.order_number == number, Order.customer_id == as_customer_id(customer_id)
        )
    )
    if for_update:
        statement = statement.with_for_update(of=Order)
    order = await session.scalar(statement)
    if order is None:
        # Same answer whether it does not exist or belongs to someone else: no probing.
        raise OrderNotFound(number)
    return order


async def get_order(session: AsyncSession, customer_id: int, order_number: str) -> OrderView:
    return order_view(await load_order(session, customer_id, order_number))


async def orders_of(
    session: AsyncSession, customer_id: int, order_numbers: list[str]
) -> list[tuple[str, OrderView | None]]:
    """Each of `order_numbers` with the customer's order, or None where it is not theirs (the
    same None for someone else's and for none at all)."""
    found: list[tuple[str, OrderView | None]] = []
    for number in order_numbers:
        try:
            found.append((number, await get_order(session, customer_id, number)))
        except OrderNotFound:
            found.append((number, None))
    return found


async def recent_orders(session: AsyncSession, customer_id: int, limit: int = 5) -> list[OrderView]:
    """Newest first."""
    orders = await session.scalars(
        _with_items(
            select(Order)
            .where(Order.customer_id == as_customer_id(customer_id))
            .order_by(Order.placed_at.desc(), Order.id.desc())
            .limit(max(0, limit))
        )
    )
    return [order_view(order) for order in orders]


async def cancel_order(
    session: AsyncSession, customer_id: int, order_number: str, request_key: str | None = None
) -> OrderView:
    """Cancel a placed or paid order; OrderNotCancellable once it has shipped (or ended).

    A repeated request (same `request_key`) returns the order it cancelled, as it is now.
    """
    order = await load_order(session, customer_id, order_number, for_update=True)
    if await earlier_result(session, request_key) == order.order_number:
        return order_view(order)
    if order.status not in CANCELLABLE_STATUSES:
        raise OrderNotCancellable(order.order_number, value_of(order.status))
    order.status = OrderStatus.cancelled
    order.cancelled_at = utcnow()
    await keep_receipt(session, request_key, "cancel_order", order.order_number)
    await session.flush()
    return order_view(order)
