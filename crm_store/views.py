"""Plain, frozen views of CRM records that services hand to actions and the console."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class CustomerView:
    id: int
    customer_number: str
    first_name: str
    last_name: str
    email: str
    phone: str | None
    street: str | None
    postcode: str | None
    city: str | None


@dataclass(frozen=True)
class OrderView:
    order_number: str
    status: str
    placed_at: datetime
    total: Decimal
    currency: str
    carrier: str | None
    tracking_number: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    item_summary: str  # e.g. "2 × Desk lamp, 1 × Kettle"


@dataclass(frozen=True)
class TicketView:
    ticket_number: str
    status: str
    priority: str
    category: str
    type: str
    subject: str
    created_at: datetime
    updated_at: datetime
