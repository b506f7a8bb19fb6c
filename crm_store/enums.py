"""The CRM's closed vocabularies: order and ticket states, conversation states, roles."""

from __future__ import annotations

import enum


class OrderStatus(str, enum.Enum):
    placed = "placed"
    paid = "paid"
    shipped = "shipped"
    delivered = "delivered"
    cancelled = "cancelled"
    returned = "returned"


class TicketType(str, enum.Enum):
    question = "question"
    problem = "problem"
    return_ = "return"
    refund = "refund"
    complaint = "complaint"


class TicketStatus(str, enum.Enum):
    new = "new"
    open = "open"
    pending = "pending"
    resolved = "resolved"
    closed = "closed"


class TicketPriority(str, enum.Enum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class ConversationStatus(str, enum.Enum):
    bot = "bot"
    handoff = "handoff"
    agent = "agent"
    resolved = "resolved"


class Direction(str, enum.Enum):
    user = "user"
    bot = "bot"
    agent = "agent"


class AgentRole(str, enum.Enum):
    agent = "agent"
    admin = "admin"


OPEN_TICKET_STATUSES = (TicketStatus.new, TicketStatus.open, TicketStatus.pending)
