"""What the customer said before identification is used after it (actions/carry.py)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import ActionExecuted, SlotSet

from actions.addresses import address_in
from actions.carry import carried_value, form_turns, problem_in, reason_in
from actions.orders import ValidateCancelOrderForm, ValidateOrderStatusForm, ValidateReturnForm
from actions.profile import ValidateUpdateAddressForm, ValidateUpdateEmailForm
from actions.tickets import ValidateOpenTicketForm
from tests.actions.support import make_tracker, run_action, user_event, verified


def detour(form: str, request: tuple[str, str, list[tuple[str, Any]]], contact: str) -> list:
    """The events of a form started by `request`, then its contact question and answer."""
    text, intent, entities = request
    return [
        user_event(text, intent, entities),
        ActionExecuted(form),
        {"event": "active_loop", "name": form},
        SlotSet("requested_slot", "contact"),
        ActionExecuted("action_listen"),
        user_event(contact, "inform", [("email", contact)]),
        SlotSet("contact", contact),
        SlotSet("requested_slot", "verification_fact"),
        ActionExecuted(form),
        ActionExecuted("action_listen"),
    ]


def proof(form: str, history: list, contact: str, postcode: str) -> Any:
    return make_tracker(
        postcode,
        "inform",
        [("postcode", postcode)],
        slots={"contact": contact},
        form=form,
        requested_slot="verification_fact",
        history=history,
    )


async def test_the_order_to_cancel_named_before_identification_is_not_asked_again() -> None:
    history = detour(
        "cancel_order_form",
        ("please cancel my order KF-500005", "cancel_order", [("order_number", "KF-500005")]),
        "ben.okafor@example.com",
    )
    tracker = proof("cancel_order_form", history, "ben.okafor@example.com", "20095")
    outcome = await run_action(ValidateCancelOrderForm(), tracker)
    assert outcome.slots["is_verified"] is True
    assert outcome.slots["order_number"] == "KF-500005"
    assert outcome.slots["requested_slot"] == "confirm_cancel"
    assert "utter_ask_order_number" not in outcome.responses


async def test_a_return_keeps_its_order_and_its_reason_through_identification() -> None:
    request = (
        "I want to return KF-500003, it arrived broken",
        "return_order",
        [("order_number", "KF-500003")],
    )
    history = detour("return_form", request, "anna.schmidt@example.com")
    tracker = proof("return_form", history, "anna.schmidt@example.com", "10115")
    outcome = await run_action(ValidateReturnForm(), tracker)
    assert outcome.slots["order_number"] == "KF-500003"
    assert outcome.slots["return_reason"] == "it arrived broken"
    assert outcome.slots["requested_slot"] is None  # nothing left to ask: the return is filed


async def test_the_new_email_in_the_request_is_not_taken_for_the_contact_nor_asked_again() -> None:
    request = (
        "I need to change my email to ben.new@example.org",
        "update_email",
        [("email", "ben.new@example.org")],
    )
    history = detour("update_email_form", request, "ben.okafor@example.com")
    tracker = proof("update_email_form", history, "ben.okafor@example.com", "20095")
    outcome = await run_action(ValidateUpdateEmailForm(), tracker)
    assert outcome.slots["is_verified"] is True
    assert outcome.slots["new_email"] == "ben.new@example.org"
    assert outcome.slots["requested_slot"] is None


async def test_the_new_address_in_the_request_is_not_asked_again() -> None:
    request = (
        "Ich bin umgezogen, neue Adresse: Hauptstraße 5, 80331 München",
        "update_address",
        [],
    )
    history = detour("update_address_form", request, "anna.schmidt@example.com")
    tracker = proof("update_address_form", history, "anna.schmidt@example.com", "10115")
    outcome = await run_action(ValidateUpdateAddressForm(), tracker)
    assert outcome.slots["is_verified"] is True
    assert outcome.slots["new_address"] == "Hauptstraße 5, 80331 München"
    assert outcome.slots["requested_slot"] is None


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "I moved, my new address is 12 Baker Street, 10115 Berlin",
            "12 Baker Street, 10115 Berlin",
        ),
        ("update address to Hauptstr. 1 80331 München please", "Hauptstr. 1, 80331 München"),
        ("地址改成 Musterstraße 12, 10115 Berlin，谢谢", "Musterstraße 12, 10115 Berlin"),
        ("change my address", None),
        ("my address has a typo, the postcode 10115 is wrong", None),
        (
            "I moved to Hauptstraße 5, 10117 Berlin, please update my address",
            "Hauptstraße 5, 10117 Berlin",
        ),
        (
            "my new address is Am Markt 1, 06108 Halle (Saale), ok?",
            "Am Markt 1, 06108 Halle (Saale)",
        ),
        ("meine adresse ist jetzt Gartenstr. 12, 20095 Hamburg", "Gartenstr. 12, 20095 Hamburg"),
        ("neue Anschrift: Ringweg 4, 50667 Köln und danke", "Ringweg 4, 50667 Köln"),
        ("我搬到了 Hauptstraße 5, 10117 Berlin", "Hauptstraße 5, 10117 Berlin"),
    ],
)
def test_address_in_reads_what_follows_the_word_address(text: str, address: str | None) -> None:
    assert address_in(text) == address


async def test_contact_postcode_and_request_in_one_message_need_no_question() -> None:
    tracker = make_tracker(
        "I'm C10003, postcode 80331. Can you track order KF-500007 for me?",
        "order_status",
        [("customer_number", "C10003"), ("postcode", "80331"), ("order_number", "KF-500007")],
        form="order_status_form",
    )
    outcome = await run_action(ValidateOrderStatusForm(), tracker)
    assert outcome.slots["is_verified"] is True
    assert outcome.slots["customer_name"] == "Chloé"
    assert outcome.slots["requested_slot"] is None


def test_an_order_number_given_as_proof_is_not_carried_as_the_order() -> None:
    history = detour(
        "cancel_order_form", ("cancel my order", "cancel_order", []), "anna@example.com"
    )
    tracker = make_tracker(
        "KF-500001",
        "inform",
        [("order_number", "KF-500001")],
        form="cancel_order_form",
        requested_slot="verification_fact",
        history=history,
    )
    assert [turn.asked for turn in form_turns(tracker)] == [None, "contact", "verification_fact"]
    assert carried_value(tracker, "order_number") is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I want to return KF-500003, it arrived broken", "it arrived broken"),
        ("Can I return the keyboard? It has a sticky key.", "It has a sticky key"),
        ("Ich möchte KF-500003 zurückgeben, die Taste klemmt", "die Taste klemmt"),
        ("我想退货，键盘有个键卡住了", "键盘有个键卡住了"),
        ("return my order because it is too small", "it is too small"),
        ("Ich will KF-500003 zurückgeben, es kam kaputt an", "es kam kaputt an"),
        ("我想退掉订单 KF-500003，东西坏了", "东西坏了"),
        ("I want to return KF-500003", None),
        # Words between "passt" and "nicht", a negated verb, a size, a colour; three languages.
        ("Ich möchte KF-502945 zurückgeben, passt leider nicht", "passt leider nicht"),
        ("Rücksendung bitte, es passt mir leider gar nicht", "es passt mir leider gar nicht"),
        ("die Jacke gefällt mir nicht", "die Jacke gefällt mir nicht"),
        ("KF-502945 zurück, zu eng", "zu eng"),
        ("Farbe anders als auf dem Foto", "Farbe anders als auf dem Foto"),
        ("ich brauche es nicht mehr", "ich brauche es nicht mehr"),
        ("KF-502954我想退货，尺码不对", "尺码不对"),
        ("不对", "不对"),
        ("我要退货，颜色不一样", "颜色不一样"),
        ("不想要了", "不想要了"),
        ("鞋子偏小", "鞋子偏小"),
        ("I'd like to return it, it doesn’t fit me", "it doesn’t fit me"),
        ("it's too tight on me", "it's too tight on me"),
        ("I don't really like the colour", "I don't really like the colour"),
        ("the colour is different from the photo", "the colour is different from the photo"),
        # The order number leaves with the word that led to it.
        ("the lamp from KF-502938 arrived broken", "the lamp arrived broken"),
        ("Die Lampe aus KF-502945 ist kaputt angekommen", "Die Lampe ist kaputt angekommen"),
        # Nothing about why: asked for.
        ("hey there, I sent back KF-502938 two weeks ago and still no refund??", None),
        ("Ich möchte KF-502945 zurückgeben", None),
        ("我退货了KF-502948，钱什么时候退给我？", None),
        ("ok thanks", None),
        ("ja", None),
        ("对", None),
        ("谢谢", None),
    ],
)
def test_reason_in_finds_why_an_item_goes_back(text: str, reason: str | None) -> None:
    assert reason_in(text) == reason


def test_an_ordinal_in_the_request_names_the_order_from_the_list_shown() -> None:
    listed = {"event": "bot", "text": "Your recent orders:\n• KF-500001 — paid\n• KF-500004 — paid"}
    tracker = make_tracker(
        "cancel the second one",
        "cancel_order",
        form="cancel_order_form",
        requested_slot="order_number",
        history=[user_event("my orders", "recent_orders"), listed],
        slots=verified(),
    )
    assert carried_value(tracker, "order_number") == "KF-500004"


def test_without_a_number_or_a_list_the_order_last_named_is_carried() -> None:
    tracker = make_tracker(
        "ok then I want to return it",
        "return_order",
        form="return_form",
        requested_slot=None,
        history=[user_event("cancel KF-500002", "cancel_order", [("order_number", "KF-500002")])],
        slots=verified(),
    )
    assert carried_value(tracker, "order_number") == "KF-500002"


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("my package says delivered but there's nothing at my door", True),
        ("Ich will mich beschweren, der Fahrer war total unfreundlich", True),
        ("快递员态度太差了，我要投诉", True),
        ("I want to complain about the driver, he was rude", True),
        ("I want to open a ticket", False),
        ("Hi, I would like to file a complaint please", False),
        ("I need to report a problem with a payment", False),
        ("open a ticket for KF-500001", False),
        ("Ich will mich beschweren", False),
        ("Ich möchte ein Ticket eröffnen", False),
        ("我要投诉", False),
        ("我想开一个工单", False),
        ("我的订单有问题", False),
        ("I have an issue with my delivery", False),
        # Two words can say what is wrong.
        ("the hose leaks", True),
        ("我的水壶坏了", True),
        # An invoice asked for is the whole problem, however short.
        ("KF-500014 能开发票吗", True),
        ("Rechnung für KF-500011 bitte", True),
    ],
)
def test_problem_in_tells_a_described_problem_from_a_bare_request(
    text: str, described: bool
) -> None:
    assert problem_in(text) == (text if described else None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("hi, my blender is broken", "my blender is broken"),
        (
            "Hallo, ich habe eine falsche Lieferung bekommen",
            "ich habe eine falsche Lieferung bekommen",
        ),
        ("你好，我的包裹一直没到，已经两个星期了", "我的包裹一直没到，已经两个星期了"),
        ("Hey there! the kettle leaks water everywhere", "the kettle leaks water everywhere"),
        # The details that say who the customer is, before or after the problem.
        ("C10002 20095 my toaster doesnt toast anymore", "my toaster doesnt toast anymore"),
        ("hi, C10003 80331 the hose leaks", "the hose leaks"),
        ("ich bin C10001 und mein Toaster ist kaputt", "mein Toaster ist kaputt"),
        ("my kettle leaks everywhere, I am C10001 10115", "my kettle leaks everywhere"),
        ("the parcel for a@example.com never came", "the parcel for a@example.com never came"),
        # A word that begins like a greeting is no greeting.
        ("hiking boots arrived broken and torn", "hiking boots arrived broken and torn"),
    ],
)
def test_a_greeting_before_the_problem_is_not_part_of_it(text: str, problem: str) -> None:
    assert problem_in(text) == problem


@pytest.mark.parametrize(
    ("request_text", "category"),
    [
        ("my package says delivered but there's nothing at my door", "delivery"),
        ("Ich will mich beschweren, der Fahrer war total unfreundlich", "delivery"),
        ("快递员态度太差了，我要投诉", "delivery"),
    ],
)
async def test_the_problem_in_a_ticket_request_is_only_confirmed(
    request_text: str, category: str
) -> None:
    history = detour(
        "open_ticket_form", (request_text, "open_ticket", []), "anna.schmidt@example.com"
    )
    tracker = proof("open_ticket_form", history, "anna.schmidt@example.com", "10115")
    outcome = await run_action(ValidateOpenTicketForm(), tracker)
    assert outcome.slots["ticket_category"] == category
    assert outcome.slots["ticket_description"] == request_text
    assert outcome.slots["requested_slot"] == "confirm_ticket"


async def test_a_bare_ticket_request_asks_what_it_is_about() -> None:
    history = detour(
        "open_ticket_form",
        ("Ich will mich beschweren", "open_ticket", []),
        "anna.schmidt@example.com",
    )
    tracker = proof("open_ticket_form", history, "anna.schmidt@example.com", "10115")
    outcome = await run_action(ValidateOpenTicketForm(), tracker)
    assert "ticket_description" not in outcome.slots
    assert outcome.slots["requested_slot"] == "ticket_category"


def test_my_order_without_a_back_reference_is_asked_for() -> None:
    tracker = make_tracker(
        "I want to cancel my order",
        "cancel_order",
        form="cancel_order_form",
        requested_slot=None,
        history=[user_event("where is KF-500002", "order_status", [("order_number", "KF-500002")])],
        slots=verified(),
    )
    assert carried_value(tracker, "order_number") is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "Sehr geehrte Damen und Herren, das Notizbuch fehlt in meinem Paket. "
            "Mit freundlichen Grüßen, Anna Schmidt",
            "das Notizbuch fehlt in meinem Paket",
        ),
        (
            "Dear Sir or Madam, my kettle arrived with a cracked lid. Kind regards, Anna",
            "my kettle arrived with a cracked lid",
        ),
        ("Dear team the driver was rude to me. Best, Ben", "the driver was rude to me"),
        ("我的耳机坏了，谢谢", "我的耳机坏了"),
        ("the quality of the kettle is not the best", "the quality of the kettle is not the best"),
    ],
)
def test_a_letters_salutation_and_sign_off_are_no_part_of_the_problem(
    text: str, problem: str
) -> None:
    assert problem_in(text) == problem
