"""Scenarios written as customers write, played against the real servers, checked in the CRM.

A scenario is a list of turns: what the customer types and what the reply must (or, with a
leading "!", must not) contain, case-insensitively. Placeholders such as {email}, {postcode},
{order} and {name} are filled from a customer picked for the scenario, so scenarios that change
records (cancel, return, new email) each get a customer and an order no other test touches.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import func, select

from crm_store.enums import OrderStatus
from crm_store.models import Conversation, Customer, Order, Ticket
from crm_store.numbering import order_number_for
from tests.integration.support import Databases, Stack


@dataclass(frozen=True)
class Facts:
    """The customer a scenario plays, and the order it is about."""

    email: str = ""
    postcode: str = ""
    name: str = ""
    order: str = ""
    customer_id: int = 0

    def fill(self, text: str) -> str:
        return text.format(
            email=self.email,
            postcode=self.postcode,
            name=self.name,
            order=self.order,
            id=self.customer_id,
        )


Check = Callable[[Databases, Facts, str], Awaitable[None]]


@dataclass(frozen=True)
class Scenario:
    name: str
    category: str
    turns: list[tuple[str, list[str]]]
    # The status of the order the scenario needs a fresh customer for ("paid", "delivered"),
    # or None to play the demo customers (read only).
    needs: str | None = None
    check: Check | None = None
    tags: tuple[str, ...] = field(default=())


# What a scenario may ask for, and the order statuses that fit.
_STATUSES = {
    "cancellable": ("placed", "paid"),
    "delivered": ("delivered",),
    "shipped": ("shipped",),
    "returned": ("returned",),
    # Shipped ten days ago: past its arrival date whatever the weekday (always a new order).
    "overdue": ("shipped",),
    "any": ("placed", "paid", "shipped", "delivered", "cancelled", "returned"),
}
_USED: set[int] = set()
# Demo customers and the customers other tests change stay out of the pool.
_RESERVED = {1, 2, 3}


async def fresh_customer(databases: Databases, status: str) -> Facts:
    """A customer with a postcode and an order of `status` (_STATUSES) no scenario has used yet.

    "delivered" means delivered within the return window (30 days), with no return filed.
    """
    async with databases.crm() as session:
        query = (
            select(Customer, Order)
            .join(Order, Order.customer_id == Customer.id)
            .where(Customer.postcode.is_not(None), Customer.erased_at.is_(None))
            .where(Customer.id.not_in(_USED | _RESERVED))
            .where(Order.status.in_([OrderStatus(name) for name in _STATUSES[status]]))
            .order_by(Order.id)
        )
        if status == "delivered":
            recent = datetime.now(timezone.utc) - timedelta(days=25)
            query = query.where(Order.delivered_at > recent)
            query = query.where(~select(Ticket.id).where(Ticket.order_id == Order.id).exists())
        row = None if status == "overdue" else (await session.execute(query.limit(1))).first()
    if row is None and status in ("cancellable", "shipped", "delivered", "overdue"):
        shipped_days_ago = 10 if status == "overdue" else 5
        row = await _new_order(databases, OrderStatus(_STATUSES[status][-1]), shipped_days_ago)
    assert row is not None, f"no unused customer with a {status} order in the demo CRM"
    customer, order = row
    _USED.add(customer.id)
    return Facts(
        customer.email, customer.postcode or "", customer.first_name, order.order_number,
        customer.id,
    )  # fmt: skip


async def _new_order(
    databases: Databases, status: OrderStatus, shipped_days_ago: int = 5
) -> tuple[Customer, Order] | None:
    """A paid order, or one shipped or delivered in the last days, for an unused customer: the
    seeded CRM has only a few still cancellable, on their way or returnable."""
    async with databases.crm() as session, session.begin():
        customer = await session.scalar(
            select(Customer)
            .where(Customer.postcode.is_not(None), Customer.erased_at.is_(None))
            .where(Customer.id.not_in(_USED | _RESERVED))
            .order_by(Customer.id)
            .limit(1)
        )
        if customer is None:
            return None
        next_id = (await session.scalar(select(func.max(Order.id)))) + 1
        now = datetime.now(timezone.utc)
        order = Order(
            id=next_id,
            order_number=order_number_for(next_id),
            customer_id=customer.id,
            status=status,
            placed_at=now
            - timedelta(days=0 if status == OrderStatus.paid else shipped_days_ago + 1, hours=5),
            total=Decimal("19.90"),
            currency="EUR",
        )
        if status in (OrderStatus.shipped, OrderStatus.delivered):
            order.shipped_at = now - timedelta(days=shipped_days_ago)
            order.carrier, order.tracking_number = "DHL", f"0034043400000{next_id:07d}"
        if status == OrderStatus.delivered:
            order.delivered_at = now - timedelta(days=3)
        session.add(order)
    return customer, order


def play(stack: Stack, sender: str, scenario: Scenario, facts: Facts) -> list[str]:
    """Say every turn; returns what went wrong (empty when every reply was as expected)."""
    problems: list[str] = []
    for said, expected in scenario.turns:
        text = facts.fill(said)
        reply = stack.say(sender, text)
        got = reply.text.lower()
        for item in expected:
            item = facts.fill(item)
            if item.startswith("!"):
                if item[1:].lower() in got:
                    problems.append(f"{text!r} -> {reply.text!r}: should not say {item[1:]!r}")
            elif item.lower() not in got:
                problems.append(f"{text!r} -> {reply.text!r}: expected {item!r}")
        if reply.status != 200:
            problems.append(f"{text!r} -> HTTP {reply.status}")
    return problems


# --- CRM checks -------------------------------------------------------------------------


def order_is_not(status: str) -> Check:
    async def check(databases: Databases, facts: Facts, sender: str) -> None:
        async with databases.crm() as session:
            value = await session.scalar(
                select(Order.status).where(Order.order_number == facts.order)
            )
        assert str(getattr(value, "value", value)) != status, (facts.order, value)

    return check


def order_is(status: str) -> Check:
    async def check(databases: Databases, facts: Facts, sender: str) -> None:
        async with databases.crm() as session:
            value = await session.scalar(
                select(Order.status).where(Order.order_number == facts.order)
            )
        assert str(getattr(value, "value", value)) == status, (facts.order, value)

    return check


def ticket_with(*words: str, kind: str | None = None) -> Check:
    """A ticket of the customer's whose description holds every one of `words`."""

    async def check(databases: Databases, facts: Facts, sender: str) -> None:
        async with databases.crm() as session:
            tickets = (
                await session.scalars(select(Ticket).where(Ticket.customer_id == facts.customer_id))
            ).all()
        matching = [
            t
            for t in tickets
            if all(w.lower() in t.description.lower() for w in words)
            and (kind is None or str(getattr(t.type, "value", t.type)) == kind)
        ]
        assert matching, [(t.type, t.description) for t in tickets]

    return check


def ticket_about_the_order(*words: str) -> Check:
    """A problem ticket of the customer's about the scenario's order, its description holding
    every one of `words`."""

    async def check(databases: Databases, facts: Facts, sender: str) -> None:
        async with databases.crm() as session:
            rows = (
                await session.execute(
                    select(Ticket, Order.order_number)
                    .join(Order, Order.id == Ticket.order_id)
                    .where(Ticket.customer_id == facts.customer_id)
                )
            ).all()
        about = [
            ticket
            for ticket, number in rows
            if number == facts.order and all(w.lower() in ticket.description.lower() for w in words)
        ]
        assert about, [(t.description, number) for t, number in rows]

    return check


def email_is(address: str) -> Check:
    async def check(databases: Databases, facts: Facts, sender: str) -> None:
        async with databases.crm() as session:
            email = await session.scalar(
                select(Customer.email).where(Customer.id == facts.customer_id)
            )
        assert email == facts.fill(address)

    return check


def phone_is(number: str) -> Check:
    """The customer's phone number in the CRM is `number` (E.164, as the CRM keeps it)."""

    async def check(databases: Databases, facts: Facts, sender: str) -> None:
        async with databases.crm() as session:
            phone = await session.scalar(
                select(Customer.phone).where(Customer.id == facts.customer_id)
            )
        assert phone == facts.fill(number), phone

    return check


def address_is(street: str, postcode: str, city: str) -> Check:
    """The customer's address in the CRM, as its three fields."""

    async def check(databases: Databases, facts: Facts, sender: str) -> None:
        async with databases.crm() as session:
            row = (
                await session.execute(
                    select(Customer.street, Customer.postcode, Customer.city).where(
                        Customer.id == facts.customer_id
                    )
                )
            ).one()
        assert tuple(row) == (street, postcode, city), row

    return check


def all_of(*checks: Check) -> Check:
    async def check(databases: Databases, facts: Facts, sender: str) -> None:
        for each in checks:
            await each(databases, facts, sender)

    return check


def handed_off() -> Check:
    async def check(databases: Databases, facts: Facts, sender: str) -> None:
        async with databases.crm() as session:
            status = await session.scalar(
                select(Conversation.status).where(Conversation.sender_id == sender)
            )
        assert str(getattr(status, "value", status)) in {"handoff", "agent"}, status

    return check


def no_ticket_for_the_order() -> Check:
    """Nothing was filed about the scenario's order (no return, no ticket)."""

    async def check(databases: Databases, facts: Facts, sender: str) -> None:
        async with databases.crm() as session:
            filed = (
                await session.scalars(
                    select(Ticket.ticket_number)
                    .join(Order, Order.id == Ticket.order_id)
                    .where(Order.order_number == facts.order)
                )
            ).all()
        assert not filed, filed

    return check
