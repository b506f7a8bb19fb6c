"""Reading the tracker: the CRM conversation key, the verified customer, earlier requests."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted

from actions.conversation import (
    UNKNOWN_CHANNEL,
    consecutive_fallbacks,
    conversation_key,
    entities_of_last_request,
    last_typed_text,
    order_of_the_reply,
    refers_back,
    verified_customer_id,
)
from tests.actions.support import SENDER, SESSION_STARTED_AT, make_tracker, user_event


def test_conversation_key_from_the_last_session_start_and_the_channel() -> None:
    tracker = make_tracker("hi", "greet")
    tracker.events.insert(0, {"event": "session_started", "timestamp": 1.0})  # an older session
    key = conversation_key(tracker)
    assert (key.sender_id, key.session_started_at, key.channel) == (
        SENDER,
        SESSION_STARTED_AT,
        "rest",
    )


def test_conversation_key_before_any_session_and_without_a_channel() -> None:
    tracker = Tracker("someone", {}, {}, [], False, None, {}, "action_listen")
    key = conversation_key(tracker)
    assert (key.session_started_at, key.channel) == (0.0, UNKNOWN_CHANNEL)


def test_verified_customer_id_needs_is_verified() -> None:
    assert verified_customer_id(make_tracker(slots={"customer_id": "2"})) is None
    assert verified_customer_id(make_tracker(slots={"customer_id": "2", "is_verified": True})) == 2
    assert (
        verified_customer_id(make_tracker(slots={"customer_id": "x", "is_verified": True})) is None
    )


def test_entities_of_last_request_stop_at_the_session_start() -> None:
    old = user_event("status of KF-500001", "order_status", [("order_number", "KF-500001")])
    tracker = make_tracker("10115", "inform")
    tracker.events.insert(0, old)  # before session_started: another session
    assert entities_of_last_request(tracker, "order_status", "order_number") == []


def _asked(slot: str) -> dict[str, object]:
    return {"event": "slot", "name": "requested_slot", "value": slot}


def test_an_order_number_sent_for_the_contact_is_the_order_meant() -> None:
    history = [
        user_event("wo bleibt meine lieferung", "order_status"),
        _asked("contact"),
        user_event("KF-500002", "inform", [("order_number", "KF-500002")]),
        _asked("contact"),
        user_event("anna@example.com", "inform", [("email", "anna@example.com")]),
        _asked("verification_fact"),
    ]
    tracker = make_tracker("KF-500001", "inform", [("order_number", "KF-500001")], history=history)
    assert entities_of_last_request(tracker, "order_status", "order_number") == ["KF-500002"]


def test_the_proof_and_later_requests_are_not_the_order_meant() -> None:
    proof_only = [
        user_event("where is my order", "order_status"),
        _asked("contact"),
        user_event("anna@example.com", "inform", [("email", "anna@example.com")]),
        _asked("verification_fact"),
    ]
    tracker = make_tracker(
        "KF-500001", "inform", [("order_number", "KF-500001")], history=proof_only
    )
    assert entities_of_last_request(tracker, "order_status", "order_number") == []
    named = [user_event("status of KF-500003", "order_status", [("order_number", "KF-500003")])]
    tracker = make_tracker(
        "KF-500002", "inform", [("order_number", "KF-500002")], history=[*named, _asked("contact")]
    )
    assert entities_of_last_request(tracker, "order_status", "order_number") == ["KF-500003"]


def test_last_typed_text_skips_button_payloads() -> None:
    tracker = make_tracker("/human_handoff", "human_handoff", history=[user_event("help me")])
    assert last_typed_text(tracker) == "help me"


def test_consecutive_fallbacks() -> None:
    history = [
        user_event("a", "nlu_fallback"),
        user_event("b", "greet"),
        user_event("c", "nlu_fallback"),
    ]
    tracker = make_tracker("d", "nlu_fallback", history=history)
    assert consecutive_fallbacks(tracker) == 2
    assert consecutive_fallbacks(tracker, skip_latest=True) == 1


def test_a_message_answered_with_the_clarifying_question_is_a_miss_too() -> None:
    history = [
        user_event("hello", "greet"),
        user_event("asdf", "inform"),
        ActionExecuted("action_value_in_context"),
        ActionExecuted("action_clarify"),
        ActionExecuted("action_listen"),
    ]
    tracker = make_tracker("qwer", "inform", history=history)
    assert consecutive_fallbacks(tracker, skip_latest=True) == 1  # "asdf"
    assert consecutive_fallbacks(tracker) == 0  # "qwer" itself is not answered yet


def _bot(text: str) -> dict[str, object]:
    return {"event": "bot", "text": text}


def test_the_reply_is_about_the_one_order_it_named_after_the_last_message() -> None:
    events = [
        {"event": "user", "text": "where is KF-500001?"},
        _bot("Order KF-500001 was delivered."),
        {"event": "user", "text": "and my latest one?"},
        _bot("Thank you, Ben — you're verified."),
        _bot("Order KF-500005 is waiting for payment."),
    ]
    assert order_of_the_reply(events) == "KF-500005"


def test_no_order_when_the_reply_named_several_or_only_an_example() -> None:
    assert order_of_the_reply([_bot("KF-500001 and KF-500002 can still be cancelled.")]) is None
    assert order_of_the_reply([_bot("Your postcode or an order number (like KF-500001)?")]) is None
    assert order_of_the_reply([_bot("Order KF-500001 shipped."), {"event": "user"}]) is None


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("und kann ich die noch stornieren?", True),
        ("kann ich die zurückgeben", True),
        ("can I cancel it?", True),
        ("把它退了", True),
        ("storniere die Bestellung", False),
        ("die andere Bestellung bitte", False),
        ("where is my order", False),
    ],
)
def test_refers_back(text: str, back: bool) -> None:
    assert refers_back(text) is back
