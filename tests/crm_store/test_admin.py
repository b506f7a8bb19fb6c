"""Counts, and a customer's GDPR export and erasure, on both backends."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from crm_store.admin import (
    REDACTED,
    collect_stats,
    erase_customer,
    export_customer,
    resolve_customer,
)
from crm_store.errors import NotFound
from crm_store.models import CommunicationRecord, Customer, Feedback, Order, Ticket
from crm_store.services.conversations import ConversationKey, save_feedback
from crm_store.services.customers import verify_identity
from crm_store.services.tickets import open_ticket
from kefu.workers.tracker_events import ingest_events
from kefu.workers.tracker_table import TrackerEvent
from tests.databases import Sessions

T0 = 1_763_800_000.5


async def anna_chats(seeded: Sessions) -> None:
    """Anna identifies herself in a chat, opens a ticket and leaves a comment."""
    events = [
        TrackerEvent(1, "anna-web", "session_started", T0, {}),
        TrackerEvent(2, "anna-web", "user", T0 + 1, {"text": "I'm anna.schmidt@example.com",
                     "input_channel": "socketio", "parse_data": {"intent": {"name": "identify"}}}),
        TrackerEvent(3, "anna-web", "bot", T0 + 2, {"text": "Thanks, Anna!"}),
        TrackerEvent(4, "anna-web", "slot", T0 + 3, {"name": "customer_id", "value": "1"}),
        TrackerEvent(5, "ben-web", "user", T0 + 4, {"text": "Ben here"}),
    ]  # fmt: skip
    async with seeded() as session, session.begin():
        assert await ingest_events(session, events) == 3
        key = ConversationKey("anna-web", T0, "socketio")
        await open_ticket(session, 1, "account", "My flat is Torstraße 1", key)
        await save_feedback(session, key, 4, "Ask for Anna Schmidt", 1)


async def test_collect_stats(seeded: Sessions) -> None:
    await anna_chats(seeded)
    async with seeded() as session:
        stats = await collect_stats(session)
    assert stats == {
        "customers": 500,
        "orders": 3000,
        "tickets": 801,
        "conversations": 2,
        "feedback": 1,
        "records": {"user": 2, "bot": 1, "agent": 0},
        "quarantined": 0,
    }


async def test_resolve_customer(seeded: Sessions) -> None:
    async with seeded() as session:
        assert (await resolve_customer(session, "c10002")).id == 2
        assert (await resolve_customer(session, "3")).customer_number == "C10003"
        for reference in ("C99999", "99999", "Anna", "'; DROP TABLE customers; --"):
            with pytest.raises(NotFound):
                await resolve_customer(session, reference)


async def test_export_has_everything_about_the_customer(seeded: Sessions) -> None:
    await anna_chats(seeded)
    async with seeded() as session:
        data = await export_customer(session, 1)
    json.dumps(data)  # JSON-ready as it is
    assert data["customer"]["email"] == "anna.schmidt@example.com"
    assert [o["order_number"] for o in data["orders"]] == ["KF-500003", "KF-500002", "KF-500001"]
    assert all(o["items"] and o["items"][0]["name"] for o in data["orders"])
    assert {t["ticket_number"] for t in data["tickets"]} == {"T-10001", "T-10801"}
    assert [c["sender_id"] for c in data["conversations"]] == ["anna-web"]
    assert [r["text"] for r in data["conversations"][0]["records"]] == [
        "I'm anna.schmidt@example.com",
        "Thanks, Anna!",
    ]
    assert [f["comment"] for f in data["feedback"]] == ["Ask for Anna Schmidt"]
    async with seeded() as session:
        with pytest.raises(NotFound):
            await export_customer(session, 424242)


async def test_erase_anonymises_redacts_and_keeps_orders(seeded: Sessions) -> None:
    await anna_chats(seeded)
    async with seeded() as session, session.begin():
        report = await erase_customer(session, 1)
    assert (report.records, report.feedback_comments, report.tickets, report.orders_kept) == (
        2,
        1,
        2,
        3,
    )
    assert "C10001" in report.describe()
    async with seeded() as session:
        anna = await session.get(Customer, 1)
        assert anna is not None and anna.erased_at is not None
        assert "anna" not in f"{anna.first_name}{anna.last_name}{anna.email}".lower()
        assert (anna.phone, anna.street, anna.postcode, anna.city) == (None, None, None, None)
        texts = (await session.scalars(select(CommunicationRecord.text))).all()
        assert sorted(texts) == sorted([REDACTED, REDACTED, "Ben here"])
        assert await session.scalar(select(Feedback.comment)) == REDACTED
        descriptions = (
            await session.scalars(select(Ticket.description).where(Ticket.customer_id == 1))
        ).all()
        assert set(descriptions) == {REDACTED}
        orders = (await session.scalars(select(Order).where(Order.customer_id == 1))).all()
        assert len(orders) == 3 and all(order.total > 0 for order in orders)
        assert await verify_identity(session, "anna.schmidt@example.com", "10115") is None
        assert await verify_identity(session, "C10001", "KF-500001") is None
        ben = await session.get(Customer, 2)
        assert ben is not None and ben.email == "ben.okafor@example.com"
    async with seeded() as session, session.begin():
        assert (await erase_customer(session, 1)).already_erased
        with pytest.raises(NotFound):
            await erase_customer(session, 424242)
