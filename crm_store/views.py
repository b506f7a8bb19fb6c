"""Plain, frozen views of CRM records that services hand to actions and the console."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any


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


def plain(value: Any) -> Any:
    """Dataclasses, datetimes and decimals as JSON-ready values, all the way down."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value
