"""How customer, order and ticket numbers derive from row ids (race-safe: the id is unique)."""

from __future__ import annotations

import uuid

CUSTOMER_NUMBER_BASE = 10000
ORDER_NUMBER_BASE = 500000
TICKET_NUMBER_BASE = 10000


def customer_number_for(customer_id: int) -> str:
    return f"C{CUSTOMER_NUMBER_BASE + customer_id:05d}"


def order_number_for(order_id: int) -> str:
    return f"KF-{ORDER_NUMBER_BASE + order_id:06d}"


def ticket_number_for(ticket_id: int) -> str:
    return f"T-{TICKET_NUMBER_BASE + ticket_id:05d}"


def placeholder_number() -> str:
    """A unique stand-in until the row has its id (the columns are unique and NOT NULL)."""
    return f"pending-{uuid.uuid4().hex}"
