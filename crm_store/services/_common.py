"""Helpers the services share: rows by id, ORM rows to views, the dialect's INSERT … ON CONFLICT."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, ClassVar, TypeVar

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


def _insert_ignoring_conflicts_class(insert: type[Any], do_nothing: type[Any]) -> type[Any]:
    """A dialect's INSERT that always carries a bare ON CONFLICT DO NOTHING, and is cached.

    The dialects' Insert and conflict clauses opt out of SQLAlchemy's compiled-statement cache
    (their conflict targets and SET clauses are not in the cache key), so every such statement
    was compiled anew on each execution: a tenth of the action server's CPU under load and as
    much of the exchange logger's (bench/README.md, "Scale-out"). A bare DO NOTHING has no
    parts, and these classes are part of the key, so caching them is safe.
    """

    class DoNothing(do_nothing):  # type: ignore[misc,valid-type]
        inherit_cache = True
        _traverse_internals: ClassVar[list[Any]] = []  # no target, no condition: nothing varies

    class InsertIgnoringConflicts(insert):  # type: ignore[misc,valid-type]
        inherit_cache = True

        def __init__(self, table: Any) -> None:
            super().__init__(table)
            self._post_values_clause = DoNothing()

    return InsertIgnoringConflicts


_INSERT_IGNORING_CONFLICTS = {
    "postgresql": _insert_ignoring_conflicts_class(
        postgresql.Insert, postgresql.dml.OnConflictDoNothing
    ),
    "sqlite": _insert_ignoring_conflicts_class(sqlite.Insert, sqlite.dml.OnConflictDoNothing),
}


def insert_ignoring_conflicts(session: AsyncSession, table: Any) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` for the session's backend (SQLite or PostgreSQL).

    Used where two processes may insert the same row at once (a conversation, a record, a
    feedback): the database decides, and nobody's transaction is poisoned by an IntegrityError.
    """
    dialect = session.get_bind().dialect.name
    if dialect not in _INSERT_IGNORING_CONFLICTS:
        raise NotImplementedError(f"unsupported database {dialect!r}")
    return _INSERT_IGNORING_CONFLICTS[dialect](table)


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
