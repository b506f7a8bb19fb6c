"""Tickets: opening one (category, description, confirmation) and looking tickets up."""

from __future__ import annotations

import re
from typing import Any
from unittest.mock import AsyncMock

import pytest
from rasa_sdk import Tracker
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.tickets import (
    ActionAskConfirmTicket,
    ActionOpenTicket,
    ActionTicketStatus,
    ValidateOpenTicketForm,
)
from crm_store.models import Ticket
from tests.actions.support import (
    CHANNEL,
    SENDER,
    form_answer,
    make_tracker,
    run_action,
    user_event,
    verified,
)


def ticket_answer(
    text: str, requested: str, intent: str = "inform", entities: Any = (), **slots: Any
) -> Tracker:
    return form_answer(
        "open_ticket_form", text, requested, intent, entities, {**verified(), **slots}
    )


async def test_extract_ticket_category_from_the_button() -> None:
    tracker = ticket_answer(
        '/inform{"ticket_category":"delivery"}',
        "ticket_category",
        entities=[("ticket_category", "delivery")],
    )
    outcome = await run_action(ValidateOpenTicketForm(), tracker)
    assert outcome.slots["ticket_category"] == "delivery"
    assert outcome.slots["requested_slot"] == "ticket_description"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my parcel never arrived", "delivery"),
        ("I was charged twice", "payment"),
        ("the kettle is broken", "product"),
        ("I can't log in to my account", "account"),
        ("something odd", "other"),
        ("Payment", "payment"),
    ],
)
async def test_extract_ticket_category_from_typed_text(text: str, category: str) -> None:
    outcome = await run_action(ValidateOpenTicketForm(), ticket_answer(text, "ticket_category"))
    assert outcome.slots["ticket_category"] == category


@pytest.mark.parametrize(
    "text",
    [
        "my invoice shows the wrong address",
        "Auf meiner Rechnung steht die falsche Adresse",
        # No spaces between Chinese words: counted by characters.
        "我的发票上的地址写错了",
    ],
)
async def test_a_typed_description_instead_of_a_category_fills_both(text: str) -> None:
    tracker = ticket_answer(text, "ticket_category")
    outcome = await run_action(ValidateOpenTicketForm(), tracker)
    assert outcome.slots["ticket_category"] == "payment"
    assert outcome.slots["ticket_description"] == text
    assert outcome.slots["requested_slot"] == "confirm_ticket"


@pytest.mark.parametrize("text", ["parcel late", "快递太慢"])
async def test_a_short_typed_category_still_asks_for_the_description(text: str) -> None:
    outcome = await run_action(ValidateOpenTicketForm(), ticket_answer(text, "ticket_category"))
    assert "ticket_description" not in outcome.slots or not outcome.slots["ticket_description"]
    assert outcome.slots["requested_slot"] == "ticket_description"


@pytest.mark.parametrize(
    ("request_text", "category", "asked"),
    [
        ("I need to report a problem with a payment", "payment", "ticket_description"),
        # However similar past tickets are, a bare request names no topic of its own.
        ("Ich möchte ein Ticket eröffnen", None, "ticket_category"),
    ],
)
async def test_extract_ticket_category_from_the_request_that_starts_the_form(
    monkeypatch: pytest.MonkeyPatch, request_text: str, category: str | None, asked: str
) -> None:
    monkeypatch.setattr(
        "actions.tickets.suggest_ticket_category", AsyncMock(return_value="delivery")
    )
    tracker = make_tracker(
        request_text, intent="open_ticket", form="open_ticket_form", slots=verified()
    )
    outcome = await run_action(ValidateOpenTicketForm(), tracker)
    assert outcome.slots.get("ticket_category") == category
    assert outcome.slots["requested_slot"] == asked


async def test_validate_ticket_category_refuses_an_unknown_button_value() -> None:
    tracker = ticket_answer(
        '/inform{"ticket_category":"admin"}', "ticket_category", entities=[("ticket_category", 7)]
    )
    outcome = await run_action(ValidateOpenTicketForm(), tracker)
    assert outcome.slots["ticket_category"] is None
    assert outcome.responses == ["utter_please_rephrase"]


async def test_extract_and_validate_ticket_description() -> None:
    tracker = ticket_answer(
        "The parcel box was damaged and the lamp inside is broken.",
        "ticket_description",
        intent="open_ticket",
        ticket_category="delivery",
    )
    outcome = await run_action(ValidateOpenTicketForm(), tracker)
    assert outcome.slots["ticket_description"].endswith("lamp inside is broken.")
    assert outcome.slots["requested_slot"] == "confirm_ticket"


async def test_validate_ticket_description_refuses_a_too_short_one() -> None:
    tracker = ticket_answer("?", "ticket_description", ticket_category="delivery")
    outcome = await run_action(ValidateOpenTicketForm(), tracker)
    assert outcome.slots["ticket_description"] is None
    assert outcome.responses == ["utter_please_rephrase"]


@pytest.mark.parametrize(
    ("asked", "text", "intent"),
    [
        ("ticket_category", "ja", "affirm"),
        ("ticket_category", "是的", "affirm"),
        ("ticket_description", "yes", "affirm"),
        ("ticket_description", "ok thanks", "thanks"),
    ],
)
async def test_an_acknowledgement_is_no_category_and_no_description(
    asked: str, text: str, intent: str
) -> None:
    earlier = {} if asked == "ticket_category" else {"ticket_category": "delivery"}
    tracker = ticket_answer(text, asked, intent, **earlier)
    outcome = await run_action(ValidateOpenTicketForm(), tracker)
    assert outcome.slots[asked] is None
    assert outcome.responses == [f"utter_explain_{asked}"]
    assert outcome.slots["requested_slot"] == asked


@pytest.mark.parametrize(
    ("text", "intent", "expected"), [("yes", "affirm", True), ("no", "deny", False)]
)
async def test_extract_and_validate_confirm_ticket(text: str, intent: str, expected: bool) -> None:
    tracker = ticket_answer(
        text, "confirm_ticket", intent, ticket_category="delivery", ticket_description="broken"
    )
    outcome = await run_action(ValidateOpenTicketForm(), tracker)
    assert outcome.slots["confirm_ticket"] is expected


@pytest.mark.parametrize(
    ("text", "described"),
    [
        (
            "the invoice shows the wrong address",
            "invoice question — the invoice shows the wrong address",
        ),
        ("The invoice shows the WRONG address", "the invoice shows the wrong address"),
    ],
)
async def test_more_about_the_problem_at_the_question_goes_into_the_description(
    text: str, described: str
) -> None:
    first = described.split(" — ")[0]
    tracker = ticket_answer(
        text, "confirm_ticket", "inform", ticket_category="payment", ticket_description=first
    )
    outcome = await run_action(ValidateOpenTicketForm(), tracker)
    assert outcome.slots["ticket_description"] == described
    assert outcome.slots.get("confirm_ticket") is None


async def test_ask_confirm_ticket_repeats_the_description_as_plain_text() -> None:
    slots = {
        **verified(),
        "ticket_category": "product",
        "ticket_description": "<script>alert('x')</script> it broke",
    }
    outcome = await run_action(ActionAskConfirmTicket(), make_tracker("x", slots=slots))
    assert "product" in outcome.texts and "it broke" in outcome.texts
    assert [b["payload"] for b in outcome.messages[0]["buttons"]] == ["/affirm", "/deny"]


async def test_open_ticket_confirmed_creates_it_for_the_conversation(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    description = "'; DROP TABLE tickets; -- and <script>alert(1)</script> the lamp is broken"
    slots = {
        **verified(),
        "ticket_category": "delivery",
        "ticket_description": description,
        "confirm_ticket": True,
    }
    outcome = await run_action(ActionOpenTicket(), make_tracker("yes", "affirm", slots=slots))
    number = re.search(r"T-\d{5}", outcome.texts)
    assert number is not None
    async with crm_db() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.ticket_number == number[0]))
        assert ticket is not None
        assert ticket.description == description  # kept as text, nothing executed
        assert ticket.category == "delivery" and ticket.customer_id == 1
        assert ticket.channel == CHANNEL and ticket.conversation_id is not None
    assert outcome.slots == {
        "ticket_category": None,
        "ticket_description": None,
        "confirm_ticket": None,
    }


async def test_open_ticket_declined_opens_nothing(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    slots = {
        **verified(),
        "ticket_category": "delivery",
        "ticket_description": "meh",
        "confirm_ticket": False,
    }
    outcome = await run_action(ActionOpenTicket(), make_tracker("no", "deny", slots=slots))
    assert outcome.responses == ["utter_ticket_discarded"]
    async with crm_db() as session:
        assert await session.scalar(select(Ticket).where(Ticket.description == "meh")) is None


async def test_ticket_status_by_number() -> None:
    tracker = make_tracker(
        "status of T-10001", "ticket_status", [("ticket_number", "T-10001")], slots=verified()
    )
    outcome = await run_action(ActionTicketStatus(), tracker)
    assert "T-10001" in outcome.texts and "open" in outcome.texts


async def test_ticket_status_without_number_lists_open_tickets() -> None:
    request = user_event("how are my tickets doing", "ticket_status")
    tracker = make_tracker("10115", "inform", history=[request], slots=verified())
    outcome = await run_action(ActionTicketStatus(), tracker)
    assert "T-10001" in outcome.texts


async def test_someone_elses_ticket_is_answered_like_a_missing_one() -> None:
    theirs = make_tracker(
        "T-10002", "ticket_status", [("ticket_number", "T-10002")], slots=verified()
    )
    missing = make_tracker(
        "T-19999", "ticket_status", [("ticket_number", "T-19999")], slots=verified()
    )
    a = await run_action(ActionTicketStatus(), theirs)
    b = await run_action(ActionTicketStatus(), missing)
    assert a.messages == b.messages
    assert a.responses == ["utter_ticket_not_found"]


async def test_ticket_actions_do_nothing_for_an_unverified_customer() -> None:
    tracker = make_tracker(
        "T-10001", "ticket_status", [("ticket_number", "T-10001")], sender_id=SENDER
    )
    assert (await run_action(ActionTicketStatus(), tracker)).messages == []
