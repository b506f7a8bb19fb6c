"""Initial CRM schema: every table the models had in the first release.

Customers, products, orders and their items, tickets, conversations, communication records,
feedback, agent users and notes.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 08:08:15.905936
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm_store.migrations.schema import (
    create_indexes,
    drop_table,
    enum,
    foreign_key,
    id_column,
    primary_key,
    timestamp,
    unique,
)

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_users",
        id_column(),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("role", enum("agent_role", "agent", "admin"), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        timestamp("created_at"),
        primary_key("agent_users"),
        unique("agent_users", "email"),
        unique("agent_users", "username"),
    )
    op.create_table(
        "customers",
        id_column(),
        sa.Column("customer_number", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("segment", sa.String(length=32), nullable=True),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        timestamp("created_at"),
        timestamp("erased_at", nullable=True),
        primary_key("customers"),
        unique("customers", "customer_number"),
        unique("customers", "email"),
        unique("customers", "external_id"),
    )
    create_indexes("customers", "phone")

    op.create_table(
        "products",
        id_column(),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_products_price_not_negative")),
        primary_key("products"),
        unique("products", "sku"),
    )
    create_indexes("products", "category")

    op.create_table(
        "conversations",
        id_column(),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("session_started_at", sa.Float(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            enum("conversation_status", "bot", "handoff", "agent", "resolved"),
            nullable=False,
        ),
        sa.Column("handoff_reason", sa.Text(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=True),
        sa.Column("satisfaction", sa.Float(), nullable=True),
        timestamp("started_at"),
        timestamp("last_message_at", nullable=True),
        timestamp("ended_at", nullable=True),
        foreign_key("conversations", "customer_id", "customers"),
        primary_key("conversations"),
        unique("conversations", "sender_id", "session_started_at"),
    )
    create_indexes("conversations", "channel", "customer_id", "status")

    op.create_table(
        "orders",
        id_column(),
        sa.Column("order_number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            enum("order_status", "placed", "paid", "shipped", "delivered", "cancelled", "returned"),
            nullable=False,
        ),
        timestamp("placed_at"),
        timestamp("shipped_at", nullable=True),
        timestamp("delivered_at", nullable=True),
        timestamp("cancelled_at", nullable=True),
        sa.Column("carrier", sa.String(length=32), nullable=True),
        sa.Column("tracking_number", sa.String(length=64), nullable=True),
        sa.Column("total", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.CheckConstraint("total >= 0", name=op.f("ck_orders_total_not_negative")),
        foreign_key("orders", "customer_id", "customers"),
        primary_key("orders"),
        unique("orders", "order_number"),
    )
    create_indexes("orders", "customer_id", "placed_at", "status")

    op.create_table(
        "communication_records",
        id_column(),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("direction", enum("direction", "user", "bot", "agent"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        timestamp("sent_at"),
        sa.Column("intent", sa.String(length=100), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("sentiment", sa.Float(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        foreign_key("communication_records", "agent_id", "agent_users"),
        foreign_key(
            "communication_records", "conversation_id", "conversations", ondelete="CASCADE"
        ),
        foreign_key("communication_records", "customer_id", "customers"),
        primary_key("communication_records"),
        unique("communication_records", "source_key"),
    )
    create_indexes(
        "communication_records", "conversation_id", "customer_id", "direction", "intent", "sent_at"
    )

    op.create_table(
        "feedback",
        id_column(),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("csat", sa.Integer(), nullable=True),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        timestamp("created_at"),
        sa.CheckConstraint(
            "csat IS NULL OR (csat >= 1 AND csat <= 5)", name=op.f("ck_feedback_csat_range")
        ),
        sa.CheckConstraint(
            "nps IS NULL OR (nps >= 0 AND nps <= 10)", name=op.f("ck_feedback_nps_range")
        ),
        foreign_key("feedback", "conversation_id", "conversations", ondelete="CASCADE"),
        foreign_key("feedback", "customer_id", "customers"),
        primary_key("feedback"),
        unique("feedback", "conversation_id"),
    )
    create_indexes("feedback", "customer_id")

    op.create_table(
        "order_items",
        id_column(),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_items_quantity_positive")),
        foreign_key("order_items", "order_id", "orders", ondelete="CASCADE"),
        foreign_key("order_items", "product_id", "products"),
        primary_key("order_items"),
    )
    create_indexes("order_items", "order_id", "product_id")

    op.create_table(
        "tickets",
        id_column(),
        sa.Column("ticket_number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column(
            "type",
            enum("ticket_type", "question", "problem", "return", "refund", "complaint"),
            nullable=False,
        ),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "status",
            enum("ticket_status", "new", "open", "pending", "resolved", "closed"),
            nullable=False,
        ),
        sa.Column(
            "priority", enum("ticket_priority", "low", "normal", "high", "urgent"), nullable=False
        ),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        timestamp("resolved_at", nullable=True),
        foreign_key("tickets", "assignee_id", "agent_users"),
        foreign_key("tickets", "conversation_id", "conversations"),
        foreign_key("tickets", "customer_id", "customers"),
        foreign_key("tickets", "order_id", "orders"),
        primary_key("tickets"),
        unique("tickets", "ticket_number"),
    )
    create_indexes("tickets", "created_at", "customer_id", "order_id", "status")

    op.create_table(
        "notes",
        id_column(),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        timestamp("created_at"),
        foreign_key("notes", "author_id", "agent_users"),
        foreign_key("notes", "conversation_id", "conversations", ondelete="CASCADE"),
        foreign_key("notes", "customer_id", "customers"),
        foreign_key("notes", "ticket_id", "tickets"),
        primary_key("notes"),
    )
    create_indexes("notes", "conversation_id", "customer_id", "ticket_id")


def downgrade() -> None:
    drop_table("notes", "ticket_id", "customer_id", "conversation_id")
    drop_table("tickets", "status", "order_id", "customer_id", "created_at")
    drop_table("order_items", "product_id", "order_id")
    drop_table("feedback", "customer_id")
    drop_table(
        "communication_records", "sent_at", "intent", "direction", "customer_id", "conversation_id"
    )
    drop_table("orders", "status", "placed_at", "customer_id")
    drop_table("conversations", "status", "customer_id", "channel")
    drop_table("products", "category")
    drop_table("customers", "phone")
    drop_table("agent_users")
