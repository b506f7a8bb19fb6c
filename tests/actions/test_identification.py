"""Identification: contact + one fact, verify_identity only, three attempts, nothing leaked."""

from __future__ import annotations

import time
from typing import Any

import pytest
from rasa_sdk import Tracker
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions import crm, identification
from actions.identification import ActionIdentified, ValidateIdentifyForm
from actions.orders import ValidateCancelOrderForm
from actions.profile import ValidateUpdateEmailForm
from crm_store.models import Customer
from crm_store.services.verification import CLIENT_LIMIT
from crm_store.settings import DatabaseSettings
from tests.actions.support import make_tracker, run_action, verified

ANNA_FACTS = ("Anna", "Schmidt", "Berlin", "10115", "KF-500002", "anna.schmidt@example.com")
OTHER_FACTS = ("Ben", "Okafor", "Chloé", "Martin", "Hamburg", "Munich")


def answer(
    text: str, requested: str, entities: tuple[tuple[str, Any], ...] = (), **kw: Any
) -> Tracker:
    """The customer's reply while identify_form asks for `requested`."""
    return make_tracker(
        text,
        intent=kw.pop("intent", "inform"),
        entities=entities,
        form=kw.pop("form", "identify_form"),
        requested_slot=requested,
        **kw,
    )


def fact_answer(contact: str, fact: str, attempts: int = 0, **kw: Any) -> Tracker:
    return answer(
        fact,
        "verification_fact",
        slots={"contact": contact, "identification_attempts": float(attempts)},
        **kw,
    )


# --- extract_contact / validate_contact ---------------------------------------------------


async def test_extract_contact_takes_the_email_entity_and_normalises_it() -> None:
    tracker = answer(
        "it's Anna.Schmidt@Example.com", "contact", (("email", "Anna.Schmidt@Example.com"),)
    )
    outcome = await run_action(ValidateIdentifyForm(), tracker)
    assert outcome.slots["contact"] == "anna.schmidt@example.com"
    assert outcome.messages == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("c10001", "C10001"), ("+49 30 1234567", "+49301234567"), ("ben.okafor@example.com", None)],
)
async def test_extract_contact_reads_the_raw_text_when_asked(text: str, expected: str) -> None:
    outcome = await run_action(ValidateIdentifyForm(), answer(text, "contact"))
    assert outcome.slots["contact"] == (expected or text)


async def test_extract_contact_leaves_a_side_question_to_the_rules() -> None:
    tracker = answer("what are your opening hours?", "contact", intent="faq")
    outcome = await run_action(ValidateIdentifyForm(), tracker)
    # No slot at all: the server's FormAction rejects, and the faq rule answers.
    assert outcome.slots == {}
    assert outcome.messages == []


async def test_extract_contact_takes_a_contact_from_the_request_that_starts_the_form() -> None:
    number = [("customer_number", "C10001")]
    tracker = make_tracker("my customer number is C10001", "identify", number, form="identify_form")
    outcome = await run_action(ValidateIdentifyForm(), tracker)
    assert outcome.slots["contact"] == "C10001"


async def test_extract_contact_skips_the_new_address_in_change_my_email() -> None:
    text, email = "change my email to new@example.org", [("email", "new@example.org")]
    tracker = make_tracker(text, "update_email", email, form="update_email_form")
    outcome = await run_action(ValidateUpdateEmailForm(), tracker)
    assert "contact" not in outcome.slots
    assert "new_email" not in outcome.slots  # not before the customer is verified


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("030 1234567", "de", "+49301234567"),  # Anna's number as Germans write it
        ("030 1234567", "en", "+49301234567"),  # English: the shop's home, Germany
        ("13800138000", "zh", "+8613800138000"),
    ],
)
async def test_a_phone_number_without_country_code_is_read_in_the_languages_region(
    text: str, language: str, expected: str
) -> None:
    tracker = answer(text, "contact", (("phone", text),), slots={"language": language})
    outcome = await run_action(ValidateIdentifyForm(), tracker)
    assert outcome.slots["contact"] == expected
    assert outcome.messages == []


async def test_a_customer_identifies_with_a_national_number() -> None:
    contact = answer("030 1234567", "contact", slots={"language": "de"})
    outcome = await run_action(ValidateIdentifyForm(), contact)
    fact = fact_answer(outcome.slots["contact"], "10115")
    outcome = await run_action(ValidateIdentifyForm(), fact)
    assert outcome.slots["is_verified"] is True
    assert outcome.slots["customer_name"] == "Anna"


@pytest.mark.parametrize("text", ["ben at example dot com", "12", "hello there"])
async def test_validate_contact_rejects_what_is_not_a_contact(text: str) -> None:
    outcome = await run_action(ValidateIdentifyForm(), answer(text, "contact"))
    assert outcome.slots["contact"] is None
    assert outcome.responses == ["utter_invalid_contact"]


# --- extract_verification_fact / validate_verification_fact -----------------------------


async def test_verification_by_postcode_greets_the_customer_by_name() -> None:
    tracker = fact_answer("anna.schmidt@example.com", "10115", entities=(("postcode", "10115"),))
    outcome = await run_action(ValidateIdentifyForm(), tracker)
    assert outcome.slots["is_verified"] is True
    assert outcome.slots["customer_id"] == "1"
    assert outcome.slots["customer_name"] == "Anna"
    assert outcome.messages[0]["response"] == "utter_verified"
    assert outcome.messages[0]["customer_name"] == "Anna"
    # Nothing left to ask: the form completes and the submit rule runs.
    assert outcome.slots["requested_slot"] is None


async def test_verification_by_order_number_then_asks_the_flows_own_question() -> None:
    tracker = fact_answer(
        "+49301234567",
        "kf500003",
        form="cancel_order_form",
        entities=(("order_number", "kf500003"),),
    )
    outcome = await run_action(ValidateCancelOrderForm(), tracker)
    assert outcome.slots["is_verified"] is True
    assert outcome.slots["verification_fact"] == "KF-500003"
    # The verification fact is not taken as the order to cancel.
    assert "order_number" not in outcome.slots or outcome.slots["order_number"] is None
    assert outcome.slots["requested_slot"] == "order_number"


async def test_extract_verification_fact_only_when_it_is_asked_for() -> None:
    tracker = answer("10115", "contact", entities=(("postcode", "10115"),))
    outcome = await run_action(ValidateIdentifyForm(), tracker)
    assert "verification_fact" not in outcome.slots


@pytest.mark.parametrize(
    ("contact", "fact"),
    [
        ("nobody@example.com", "10115"),  # unknown customer
        ("anna.schmidt@example.com", "99999"),  # a real customer, the wrong postcode
        ("ben.okafor@example.com", "KF-500001"),  # someone else's order number
        ("C10002", "10115"),  # someone else's postcode
    ],
)
async def test_a_wrong_pair_gets_one_message_that_says_nothing_about_which_part(
    contact: str, fact: str
) -> None:
    outcome = await run_action(ValidateIdentifyForm(), fact_answer(contact, fact))
    assert outcome.responses == ["utter_verification_failed_retry"]
    assert outcome.messages[0]["attempts_left"] == 2
    assert outcome.slots["identification_attempts"] == 1.0
    assert outcome.slots["contact"] is None and outcome.slots["verification_fact"] is None
    assert outcome.slots.get("is_verified") is not True
    assert "customer_id" not in outcome.slots
    for leaked in ANNA_FACTS + OTHER_FACTS:
        assert leaked not in outcome.texts
    assert str(outcome.messages[0].get("customer_name")) == "None"


@pytest.mark.parametrize("text", ["hello", "1234", "KF-12", "'; DROP TABLE customers; --"])
async def test_validate_verification_fact_rejects_malformed_facts_without_counting(
    text: str,
) -> None:
    outcome = await run_action(ValidateIdentifyForm(), fact_answer("C10001", text))
    assert outcome.responses == ["utter_invalid_verification_fact"]
    assert outcome.slots["verification_fact"] is None
    assert "identification_attempts" not in outcome.slots


async def test_the_third_wrong_pair_ends_the_flow_politely() -> None:
    tracker = fact_answer("anna.schmidt@example.com", "99999", attempts=2)
    outcome = await run_action(ValidateIdentifyForm(), tracker)
    assert outcome.responses == ["utter_identification_failed"]
    assert outcome.slots["identification_attempts"] == 3.0
    assert outcome.slots["flow_aborted"] is True
    assert outcome.slots["requested_slot"] is None  # the form completes


async def test_after_three_failures_later_attempts_are_refused_without_a_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def must_not_run(*args: Any) -> None:
        raise AssertionError("check_identity was called after the limit")

    monkeypatch.setattr(identification, "check_identity", must_not_run)
    # A new request later in the session, with a correct pair even.
    tracker = make_tracker(
        "I'm anna.schmidt@example.com",
        intent="identify",
        entities=[("email", "anna.schmidt@example.com")],
        form="cancel_order_form",
        slots={"identification_attempts": 3.0},
    )
    outcome = await run_action(ValidateCancelOrderForm(), tracker)
    assert outcome.responses == ["utter_identification_failed"]
    assert outcome.slots["flow_aborted"] is True
    assert outcome.slots["requested_slot"] is None
    assert "contact" not in outcome.slots

    later = fact_answer("anna.schmidt@example.com", "10115", attempts=3)
    outcome = await run_action(ValidateIdentifyForm(), later)
    assert outcome.responses == ["utter_identification_failed"]
    assert outcome.slots.get("is_verified") is not True


async def test_a_verified_customer_is_not_asked_again() -> None:
    validator = ValidateCancelOrderForm()
    tracker = make_tracker(
        "cancel my order", intent="cancel_order", form="cancel_order_form", slots=verified()
    )
    required = await validator.required_slots(
        ["contact", "verification_fact", "order_number", "confirm_cancel"], None, tracker, {}
    )  # type: ignore[arg-type]
    assert required == ["order_number", "confirm_cancel"]
    outcome = await run_action(validator, tracker)
    assert outcome.slots["requested_slot"] == "order_number"


async def test_hostile_text_as_contact_is_only_text(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    async with crm_db() as session:
        before = await session.scalar(select(func.count()).select_from(Customer))
    for text in ("'; DROP TABLE customers; --", "<script>alert('x')</script>"):
        outcome = await run_action(ValidateIdentifyForm(), answer(text, "contact"))
        assert outcome.responses == ["utter_invalid_contact"]
    sneaky = fact_answer("anna.schmidt@example.com' OR '1'='1", "10115' OR '1'='1")
    outcome = await run_action(ValidateIdentifyForm(), sneaky)
    assert outcome.slots.get("is_verified") is not True
    async with crm_db() as session:
        assert await session.scalar(select(func.count()).select_from(Customer)) == before


async def test_an_unreachable_crm_apologises_within_the_timeout(
    unreachable_crm: DatabaseSettings,
) -> None:
    await crm.configure(unreachable_crm)
    started = time.monotonic()
    outcome = await run_action(ValidateIdentifyForm(), fact_answer("C10001", "10115"))
    assert time.monotonic() - started < unreachable_crm.timeout_seconds + 0.5
    assert outcome.responses == ["utter_technical_problem"]
    assert outcome.slots["flow_aborted"] is True
    assert "identification_attempts" not in outcome.slots  # not the customer's fault


# --- action_identified ------------------------------------------------------------------


async def test_action_identified_right_after_utter_verified_only_asks_what_next() -> None:
    tracker = make_tracker(
        "10115",
        intent="inform",
        slots=verified(),
        after=[{"event": "slot", "name": "is_verified", "value": True}],
    )
    outcome = await run_action(ActionIdentified(), tracker)
    assert outcome.responses == ["utter_what_now"]


async def test_action_identified_serves_the_request_of_the_identifying_message_instead() -> None:
    tracker = make_tracker(
        "I'm C10001, postcode 10115. Where is KF-500002?",
        intent="identify",
        entities=[("customer_number", "C10001"), ("order_number", "KF-500002")],
        slots=verified(),
        after=[{"event": "slot", "name": "is_verified", "value": True}],
    )
    outcome = await run_action(ActionIdentified(), tracker)
    assert "00340434161234567890" in outcome.texts
    assert "utter_what_now" not in outcome.responses


async def test_action_identified_when_already_verified_says_so() -> None:
    tracker = make_tracker("log me in", intent="identify", slots=verified())
    outcome = await run_action(ActionIdentified(), tracker)
    assert outcome.responses == ["utter_already_verified"]
    assert outcome.messages[0]["customer_name"] == "Anna"


async def test_action_identified_after_failed_identification_is_silent_and_resets() -> None:
    tracker = make_tracker(
        "99999",
        intent="inform",
        slots={"flow_aborted": True, "identification_attempts": 3.0, "contact": "C10001"},
    )
    outcome = await run_action(ActionIdentified(), tracker)
    assert outcome.messages == []
    assert outcome.slots == {"contact": None, "flow_aborted": False}


# --- failures counted in the CRM, across conversations --------------------------------------


async def test_the_fourth_wrong_fact_for_a_contact_is_refused_from_any_conversation() -> None:
    for sender in ("first", "second", "third"):  # three conversations, one wrong fact each
        wrong = fact_answer("anna.schmidt@example.com", "99999", sender_id=sender)
        outcome = await run_action(ValidateIdentifyForm(), wrong)
        assert outcome.responses == ["utter_verification_failed_retry"]
    # A new conversation with a fresh slot count, and even the right fact: refused, unchecked.
    right = fact_answer("anna.schmidt@example.com", "10115", sender_id="fourth")
    outcome = await run_action(ValidateIdentifyForm(), right)
    assert outcome.responses == ["utter_identification_locked"]
    assert 1 <= outcome.messages[0]["minutes"] <= 15
    assert outcome.slots["flow_aborted"] is True and outcome.slots.get("is_verified") is not True
    # Another contact from elsewhere is not locked by Anna's.
    ben = fact_answer("ben.okafor@example.com", "20095", sender_id="fifth")
    assert (await run_action(ValidateIdentifyForm(), ben)).responses == ["utter_verified"]


def from_client(tracker: Tracker, client: str) -> Tracker:
    """The message as the input guard hands it on: with the client's key in its metadata."""
    tracker.latest_message["metadata"] = {"kefu_client": client}
    return tracker


async def test_after_its_limit_of_wrong_pairs_a_client_is_refused_in_any_conversation() -> None:
    for n in range(CLIENT_LIMIT):  # a script walking a list of emails, a conversation each
        guess = fact_answer(f"walker{n}@example.com", "12345", sender_id=f"walker-{n}")
        outcome = await run_action(ValidateIdentifyForm(), from_client(guess, "script"))
        assert outcome.responses == ["utter_verification_failed_retry"]
    # Even a right pair from that client is refused now, unchecked, in a new conversation.
    right = fact_answer("anna.schmidt@example.com", "10115", sender_id="walker-next")
    outcome = await run_action(ValidateIdentifyForm(), from_client(right, "script"))
    assert outcome.responses == ["utter_identification_locked"]
    assert outcome.slots["flow_aborted"] is True and outcome.slots.get("is_verified") is not True
    # Anna herself, from her own connection, is not locked out.
    own = fact_answer("anna.schmidt@example.com", "10115", sender_id="anna")
    outcome = await run_action(ValidateIdentifyForm(), from_client(own, "anna-at-home"))
    assert outcome.responses == ["utter_verified"]


# --- a fresh proof before contact details change -------------------------------------------


def update_email_request(verified_minutes_ago: float) -> Tracker:
    slots = {**verified(), "verified_at": time.time() - 60 * verified_minutes_ago}
    return make_tracker(
        "change my email to ben.new@example.org",
        intent="update_email",
        entities=[("email", "ben.new@example.org")],
        form="update_email_form",
        slots=slots,
    )


async def test_a_recent_proof_is_enough_to_change_contact_details() -> None:
    outcome = await run_action(ValidateUpdateEmailForm(), update_email_request(1))
    assert outcome.slots["requested_slot"] is None  # nothing more to ask: the form is done
    assert outcome.slots["new_email"] == "ben.new@example.org"


async def test_an_old_proof_is_asked_again_before_contact_details_change() -> None:
    outcome = await run_action(ValidateUpdateEmailForm(), update_email_request(30))
    assert outcome.slots["reverifying"] is True
    assert outcome.slots["verification_fact"] is None
    assert outcome.slots["requested_slot"] == "verification_fact"


@pytest.mark.parametrize(("fact", "renewed"), [("10115", True), ("20095", False)])
async def test_only_the_verified_customers_own_fact_renews_the_proof(
    fact: str, renewed: bool
) -> None:
    slots = {**verified(), "verified_at": time.time() - 3600, "reverifying": True}
    tracker = answer(fact, "verification_fact", form="update_email_form", slots=slots)
    outcome = await run_action(ValidateUpdateEmailForm(), tracker)
    if renewed:
        assert outcome.responses[0] == "utter_verified"
        assert outcome.slots["reverifying"] is False
        assert time.time() - outcome.slots["verified_at"] < 60
    else:  # Ben's postcode, given in Anna's conversation
        assert outcome.responses == ["utter_verification_failed_retry"]
        # The contact stays: only the fact is asked again.
        assert "verified_at" not in outcome.slots and "contact" not in outcome.slots
