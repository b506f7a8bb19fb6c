"""How customer, order and ticket numbers derive from row ids (race-safe: the id is unique)."""

from __future__ import annotations

import uuid

CUSTOMER_NUMBER_BASE = 10000
ORDER_NUMBER_BASE = 500000
TICKET_NUMBER_BASE = 10000


def _numbered(prefix: str, base: int, digits: int, row_id: int) -> str:
    return f"{prefix}{base + row_id:0{digits}d}"


def customer_number_for(customer_id: int) -> str:
    return _numbered("C", CUSTOMER_NUMBER_BASE, 5, customer_id)


def order_number_for(order_id: int) -> str:
    return _numbered("KF-", ORDER_NUMBER_BASE, 6, order_id)


def ticket_number_for(ticket_id: int) -> str:
    return _numbered("T-", TICKET_NUMBER_BASE, 5, ticket_id)


def placeholder_number() -> str:
    """A unique stand-in until the row has its id (the columns are unique and NOT NULL)."""
    return f"pending-{uuid.uuid4().hex}"
