"""The CRM schema: typed SQLAlchemy 2.0 models with real constraints (Alembic migrates it)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text  # `text` is also a column name below
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from crm_store.column_types import UTCDateTime, enum_column, utcnow
from crm_store.enums import (
    OPEN_TICKET_STATUSES,
    AgentRole,
    ConversationStatus,
    Direction,
    OrderStatus,
    TicketPriority,
    TicketStatus,
    TicketType,
)

# Constraint names are part of the schema: Alembic needs them to alter SQLite tables in batch.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        Decimal: Numeric(10, 2),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_number: Mapped[str] = mapped_column(String(16), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    segment: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[datetime | None]
    # Written by the analytics job (`python -m kefu nlp customers`); None until it has run.
    churn_risk: Mapped[float | None]
    lifetime_value: Mapped[Decimal | None]
    analytics_at: Mapped[datetime | None]

    orders: Mapped[list[Order]] = relationship(back_populates="customer", lazy="raise_on_sql")
    tickets: Mapped[list[Ticket]] = relationship(back_populates="customer", lazy="raise_on_sql")
    conversations: Mapped[list[Conversation]] = relationship(
        back_populates="customer", lazy="raise_on_sql"
    )


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64), index=True)
    price: Mapped[Decimal]

    __table_args__ = (CheckConstraint("price >= 0", name="price_not_negative"),)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus, "order_status"), index=True, default=OrderStatus.placed
    )
    placed_at: Mapped[datetime] = mapped_column(index=True, default=utcnow)
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    carrier: Mapped[str | None] = mapped_column(String(32))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    total: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")

    customer: Mapped[Customer] = relationship(back_populates="orders", lazy="raise_on_sql")
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", lazy="raise_on_sql", order_by="OrderItem.id"
    )

    __table_args__ = (CheckConstraint("total >= 0", name="total_not_negative"),)


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int]
    unit_price: Mapped[Decimal]

    order: Mapped[Order] = relationship(back_populates="items", lazy="raise_on_sql")
    product: Mapped[Product] = relationship(lazy="raise_on_sql")

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class AgentUser(Base):
    __tablename__ = "agent_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[AgentRole] = mapped_column(
        enum_column(AgentRole, "agent_role"), default=AgentRole.agent
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conversation(Base):
    """One Rasa conversation session: (sender id, timestamp of its session_started event)."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255))
    session_started_at: Mapped[float] = mapped_column(Float)
    channel: Mapped[str] = mapped_column(String(64), index=True, default="unknown")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[ConversationStatus] = mapped_column(
        enum_column(ConversationStatus, "conversation_status"),
        index=True,
        default=ConversationStatus.bot,
    )
    handoff_reason: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    topic: Mapped[str | None] = mapped_column(String(100))
    satisfaction: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # The live handoff (migration 0006): the agent who took it, and when each step happened;
    # the handoff metrics (crm_store/services/reports.py) are differences of these times.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agent_users.id"), index=True)
    handoff_at: Mapped[datetime | None] = mapped_column(index=True)
    taken_at: Mapped[datetime | None]
    first_agent_reply_at: Mapped[datetime | None]
    handed_back_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]

    customer: Mapped[Customer | None] = relationship(
        back_populates="conversations", lazy="raise_on_sql"
    )
    records: Mapped[list[CommunicationRecord]] = relationship(
        back_populates="conversation", lazy="raise_on_sql", order_by="CommunicationRecord.sent_at"
    )
    feedback: Mapped[Feedback | None] = relationship(
        back_populates="conversation", lazy="raise_on_sql"
    )

    __table_args__ = (UniqueConstraint("sender_id", "session_started_at"),)


class CommunicationRecord(Base):
    """One user, bot or agent message; `source_key` identifies the event it came from."""

    __tablename__ = "communication_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    channel: Mapped[str] = mapped_column(String(64), default="unknown")
    # No index of its own: three values select nothing; ix_..._unscored leads with it.
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, "direction"))
    text: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(index=True)
    intent: Mapped[str | None] = mapped_column(String(100), index=True)
    confidence: Mapped[float | None] = mapped_column(Float)
    entities: Mapped[list[Any]] = mapped_column(default=list)
    # "metadata" is reserved on declarative classes; the column keeps the plain name.
    extra: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    sentiment: Mapped[float | None] = mapped_column(Float)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent_users.id"))
    source_key: Mapped[str] = mapped_column(String(64), unique=True)

    conversation: Mapped[Conversation] = relationship(back_populates="records", lazy="raise_on_sql")

    __table_args__ = (
        # The conversation scorer asks for unscored customer messages every few seconds; this
        # index holds only unscored records, so the question costs what is pending, not the
        # whole log.
        Index(
            "ix_communication_records_unscored",
            "direction",
            "id",
            sqlite_where=sql_text("sentiment IS NULL"),
            postgresql_where=sql_text("sentiment IS NULL"),
        ),
    )


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True
    )
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    csat: Mapped[int | None]
    nps: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(
        back_populates="feedback", lazy="raise_on_sql"
    )

    __table_args__ = (
        CheckConstraint("csat IS NULL OR (csat >= 1 AND csat <= 5)", name="csat_range"),
        CheckConstraint("nps IS NULL OR (nps >= 0 AND nps <= 10)", name="nps_range"),
    )


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    type: Mapped[TicketType] = mapped_column(enum_column(TicketType, "ticket_type"))
    category: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[TicketStatus] = mapped_column(
        enum_column(TicketStatus, "ticket_status"), index=True, default=TicketStatus.new
    )
    priority: Mapped[TicketPriority] = mapped_column(
        enum_column(TicketPriority, "ticket_priority"), default=TicketPriority.normal
    )
    channel: Mapped[str] = mapped_column(String(64), default="unknown")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agent_users.id"))
    created_at: Mapped[datetime] = mapped_column(index=True, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    resolved_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship(back_populates="tickets", lazy="raise_on_sql")
    order: Mapped[Order | None] = relationship(lazy="raise_on_sql")


class Note(Base):
    """An agent's note on a customer, a conversation or a ticket."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("agent_users.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Registers the console's tables and full-text search on Base (a plain module import, so
# importing crm_store.console_models first works too), then the safeguard tables; both need
# Base, so they come last.
import crm_store.console_models  # noqa: E402, F401
from crm_store.safeguard_models import (  # noqa: E402
    ActionReceipt,
    QuarantinedEvent,
    VerificationFailure,
)

__all__ = [
    "NAMING_CONVENTION",
    "OPEN_TICKET_STATUSES",
    "ActionReceipt",
    "AgentRole",
    "AgentUser",
    "Base",
    "CommunicationRecord",
    "Conversation",
    "ConversationStatus",
    "Customer",
    "Direction",
    "Feedback",
    "Note",
    "Order",
    "OrderItem",
    "OrderStatus",
    "Product",
    "QuarantinedEvent",
    "Ticket",
    "TicketPriority",
    "TicketStatus",
    "TicketType",
    "UTCDateTime",
    "VerificationFailure",
    "utcnow",
]
