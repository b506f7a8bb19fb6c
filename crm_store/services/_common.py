"""Helpers the services share: rows by id, ORM rows to views, the dialect's INSERT … ON CONFLICT."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.errors import NotFound
from crm_store.models import CommunicationRecord, Customer, Order, Ticket
from crm_store.views import CustomerView, OrderView, TicketView

V = TypeVar("V")
R = TypeVar("R")


async def row_or_not_found(session: AsyncSession, model: type[R], key: int, what: str) -> R:
    """The `model` row with primary key `key`; NotFound ("No {what} {key}.") if there is none."""
    row = await session.get(model, key)
    if row is None:
        raise NotFound(f"No {what} {key}.")
    return row


def records_of(ids: list[int], *columns: Any) -> Select[Any]:
    """The conversation id and `columns` of the conversations' records, each in the order sent."""
    return (
        select(CommunicationRecord.conversation_id, *columns)
        .where(CommunicationRecord.conversation_id.in_(ids))
        .order_by(
            CommunicationRecord.conversation_id, CommunicationRecord.sent_at, CommunicationRecord.id
        )
    )


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


def _view(view: type[V], row: Any, **computed: Any) -> V:
    """The frozen `view` of an ORM row: each field read from the row's attribute of that name,
    unless `computed` gives it (enum values as text, summaries)."""
    return view(**{f.name: computed.get(f.name, getattr(row, f.name, None)) for f in fields(view)})


def customer_view(customer: Customer) -> CustomerView:
    return _view(CustomerView, customer)


def order_view(order: Order) -> OrderView:
    """The order's items and their products must be loaded (selectinload)."""
    summary = ", ".join(f"{item.quantity} × {item.product.name}" for item in order.items)
    return _view(OrderView, order, status=value_of(order.status), item_summary=summary)


def ticket_view(ticket: Ticket) -> TicketView:
    return _view(
        TicketView,
        ticket,
        status=value_of(ticket.status),
        priority=value_of(ticket.priority),
        type=value_of(ticket.type),
    )
