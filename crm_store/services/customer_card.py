"""The customer card beside a transcript: profile, orders, tickets, feedback, past conversations,
segment, lifetime value and churn risk.

Segment, churn risk and lifetime value come from the analytics job (`python -m kefu nlp
customers`, crm_store.services.customer_analytics) "as of" the time it ran. Until it has run for
a customer, the card shows rule-based estimates instead, and says so (`estimated`): the stored
segment label, a churn band from the days since the last order, and the spend so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.errors import NotFound
from crm_store.models import Conversation, Customer, Feedback, Order, OrderStatus, Ticket, utcnow
from crm_store.services._common import customer_view, ticket_view, value_of
from crm_store.services.orders import recent_orders
from crm_store.views import CustomerView, OrderView, TicketView

VOID_ORDER_STATUSES = (OrderStatus.cancelled, OrderStatus.returned)
# Churn risk by days since the last valid order (no orders at all: by days since sign-up).
CHURN_BANDS = ((180, "high"), (90, "medium"))
# The same bands for the job's probability of no purchase in the churn window.
CHURN_PROBABILITY_BANDS = ((0.6, "high"), (0.3, "medium"))


@dataclass(frozen=True)
class FeedbackView:
    conversation_id: int
    csat: int | None
    nps: int | None
    comment: str | None
    created_at: datetime


@dataclass(frozen=True)
class PastConversation:
    id: int
    started_at: datetime
    channel: str
    status: str
    topic: str | None


@dataclass(frozen=True)
class CustomerCard:
    customer: CustomerView
    segment: str
    created_at: datetime
    erased: bool
    orders: list[OrderView]
    order_count: int
    lifetime_value: Decimal
    last_order_at: datetime | None
    churn_risk: str
    # True: segment, churn risk and lifetime value are the rules' estimates (the job has not
    # run for this customer); False: the job's figures, as of analytics_at.
    estimated: bool
    churn_probability: float | None  # the job's P(no purchase in the churn window)
    analytics_at: datetime | None
    spent: Decimal  # valid orders' total so far (the estimate's lifetime value)
    tickets: list[TicketView]
    feedback: list[FeedbackView]
    conversations: list[PastConversation]


def churn_band(probability: float) -> str:
    for threshold, band in CHURN_PROBABILITY_BANDS:
        if probability >= threshold:
            return band
    return "low"


def churn_risk(last_activity: datetime, now: datetime) -> str:
    idle_days = (now - last_activity) / timedelta(days=1)
    for days, band in CHURN_BANDS:
        if idle_days >= days:
            return band
    return "low"


def _figures(
    customer: Customer, spent: Decimal, last_order: datetime | None, now: datetime
) -> dict[str, Any]:
    """Segment, lifetime value and churn risk: the job's stored ones, else the rules' estimates."""
    if customer.analytics_at is None or customer.churn_risk is None:
        return {
            "segment": customer.segment or "unassigned",
            "lifetime_value": spent,
            "churn_risk": churn_risk(last_order or customer.created_at, now),
            "estimated": True,
            "churn_probability": None,
            "analytics_at": None,
            "spent": spent,
        }
    return {
        "segment": customer.segment or "unassigned",
        "lifetime_value": spent if customer.lifetime_value is None else customer.lifetime_value,
        "churn_risk": churn_band(customer.churn_risk),
        "estimated": False,
        "churn_probability": customer.churn_risk,
        "analytics_at": customer.analytics_at,
        "spent": spent,
    }


async def customer_card(
    session: AsyncSession, customer_id: int, limit: int = 10, now: datetime | None = None
) -> CustomerCard:
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"No customer {customer_id}.")
    count, value, last = (
        await session.execute(
            select(
                func.count(Order.id),
                func.coalesce(func.sum(Order.total), 0),
                func.max(Order.placed_at),
            ).where(Order.customer_id == customer_id, Order.status.not_in(VOID_ORDER_STATUSES))
        )
    ).one()
    tickets = await session.scalars(
        select(Ticket)
        .where(Ticket.customer_id == customer_id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    feedback = await session.scalars(
        select(Feedback)
        .where(Feedback.customer_id == customer_id)
        .order_by(Feedback.created_at.desc())
        .limit(limit)
    )
    conversations = await session.scalars(
        select(Conversation)
        .where(Conversation.customer_id == customer_id)
        .order_by(Conversation.started_at.desc(), Conversation.id.desc())
        .limit(limit)
    )
    last_order = (
        last if last is None or last.tzinfo else last.replace(tzinfo=customer.created_at.tzinfo)
    )
    figures = _figures(
        customer, Decimal(value).quantize(Decimal("0.01")), last_order, now or utcnow()
    )
    return CustomerCard(
        customer=customer_view(customer),
        created_at=customer.created_at,
        erased=customer.erased_at is not None,
        orders=await recent_orders(session, customer_id, limit),
        order_count=int(count),
        last_order_at=last_order,
        **figures,
        tickets=[ticket_view(t) for t in tickets],
        feedback=[
            FeedbackView(f.conversation_id, f.csat, f.nps, f.comment, f.created_at)
            for f in feedback
        ],
        conversations=[
            PastConversation(c.id, c.started_at, c.channel, value_of(c.status), c.topic)
            for c in conversations
        ],
    )
