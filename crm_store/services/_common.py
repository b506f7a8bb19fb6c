"""Helpers the services share: ORM rows to views, and the dialect's INSERT … ON CONFLICT."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.models import Customer, Order, Ticket
from crm_store.views import CustomerView, OrderView, TicketView


def insert_ignoring_conflicts(session: AsyncSession, table: Any) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` for the session's backend (SQLite or PostgreSQL).

    Used where two processes may insert the same row at once (a conversation, a record, a
    feedback): the database decides, and nobody's transaction is poisoned by an IntegrityError.
    """
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"unsupported database {dialect!r}")
    return module.insert(table).on_conflict_do_nothing()


def value_of(member: Any) -> str:
    return str(getattr(member, "value", member))


def customer_view(customer: Customer) -> CustomerView:
    return CustomerView(
        id=customer.id,
        customer_number=customer.customer_number,
        first_name=customer.first_name,
        last_name=customer.last_name,
        email=customer.email,
        phone=customer.phone,
        street=customer.street,
        postcode=customer.postcode,
        city=customer.city,
    )


def order_view(order: Order) -> OrderView:
    """The order's items and their products must be loaded (selectinload)."""
    summary = ", ".join(f"{item.quantity} × {item.product.name}" for item in order.items)
    return OrderView(
        order_number=order.order_number,
        status=value_of(order.status),
        placed_at=order.placed_at,
        total=order.total,
        currency=order.currency,
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        shipped_at=order.shipped_at,
        delivered_at=order.delivered_at,
        cancelled_at=order.cancelled_at,
        item_summary=summary,
    )


def ticket_view(ticket: Ticket) -> TicketView:
    return TicketView(
        ticket_number=ticket.ticket_number,
        status=value_of(ticket.status),
        priority=value_of(ticket.priority),
        category=ticket.category,
        type=value_of(ticket.type),
        subject=ticket.subject,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
    )
