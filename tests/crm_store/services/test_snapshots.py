"""Plain-data snapshots for the NLP layer."""

from __future__ import annotations

from crm_store.admin import erase_customer
from crm_store.services.snapshots import (
    conversation_snapshots,
    customer_snapshots,
    erased_ticket_numbers,
    erasure_count,
    feedback_snapshots,
    order_snapshots,
    ticket_snapshots,
)
from tests.crm_store.services.logged import SIGNALS, add_conversations
from tests.databases import Sessions


async def test_conversation_snapshots_have_turns_outcome_and_rating(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        happy_id, stuck_id = await add_conversations(session)
    async with seeded() as session:
        snapshots = {s["id"]: s for s in await conversation_snapshots(session, None, SIGNALS)}
        only_one = await conversation_snapshots(session, [stuck_id])
        none = await conversation_snapshots(session, [])
    happy, stuck = snapshots[str(happy_id)], snapshots[str(stuck_id)]
    assert [t["speaker"] for t in happy["turns"]] == ["customer", "assistant"] * 2
    assert happy["turns"][0] == {
        "speaker": "customer",
        "text": "where is my order",
        "intent": "order_status",
        "confidence": None,
    }
    assert (happy["outcome"], happy["csat"], happy["handoff"]) == ("resolved", 5, False)
    assert happy["customer_id"] == "1"
    assert (stuck["outcome"], stuck["csat"], stuck["handoff"]) == ("handoff", None, True)
    assert stuck["fallbacks"] == 2
    assert stuck["turns"][-1]["speaker"] == "agent"
    assert [s["id"] for s in only_one] == [str(stuck_id)]
    assert none == []


async def test_customer_order_ticket_and_feedback_snapshots(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        await add_conversations(session)
    async with seeded() as session:
        customers = await customer_snapshots(session)
        orders = await order_snapshots(session)
        tickets = await ticket_snapshots(session)
        feedback = await feedback_snapshots(session)
    assert len(customers) == 500 and customers[0]["id"] == "1"
    assert len(orders) >= 3000 and all(o["items"] for o in orders)
    order = orders[0]
    assert abs(sum(i["quantity"] * i["price"] for i in order["items"]) - order["amount"]) < 0.05
    assert {o["status"] for o in orders} >= {"delivered", "cancelled", "returned"}
    assert len(tickets) >= 800 and tickets[0]["category"] and tickets[0]["text"].strip()
    assert [(f["csat"], f["comment"]) for f in feedback] == [(5, "great")]


async def test_erased_customers_tickets_are_named_and_can_be_left_out(seeded: Sessions) -> None:
    async with seeded() as session:
        tickets = await ticket_snapshots(session)
        assert await erasure_count(session) == 0 and await erased_ticket_numbers(session) == []
    customer = tickets[0]["customer_id"]
    theirs = [t["id"] for t in tickets if t["customer_id"] == customer]
    async with seeded() as session, session.begin():
        await erase_customer(session, int(customer))
    async with seeded() as session:
        assert await erasure_count(session) == 1
        assert await erased_ticket_numbers(session) == theirs
        kept = await ticket_snapshots(session, include_erased=False)
        every = await ticket_snapshots(session)
    assert [t["id"] for t in kept] == [t["id"] for t in tickets if t["id"] not in theirs]
    assert len(every) == len(tickets)
