"""Changing one's mind inside a form, two requests in one message, a bare number in context."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActionExecuted, FollowupAction

from actions.context import ActionValueInContext
from actions.digression import (
    cancels_this,
    changes_mind,
    faq_questions,
    order_for_request,
    requests_in,
    second_request,
)
from actions.orders import ActionOrderStatus, ActionRequestReturn, ValidateReturnForm
from actions.profile import ValidateUpdateEmailForm
from tests.actions.support import make_tracker, run_action, user_event, verified


@pytest.mark.parametrize(
    ("text", "requests"),
    [
        (
            "change my email to ben.new@example.org and also check order KF-500004",
            ["update_email", "order_status"],
        ),
        ("actually never mind, what's the status of KF-500004?", ["order_status"]),
        ("I want to return KF-500003, it arrived broken", ["return_order"]),
        ("Hallo, wo ist meine Bestellung KF-500002?", ["order_status"]),
        ("你好，我的订单 KF-500002 到哪里了？", ["order_status"]),
        ("cancel KF-500001 and then I need a human", ["cancel_order", "human_handoff"]),
        (
            "ändere meine email auf anna.neu@example.org und zeig mir meine letzten bestellungen",
            ["update_email", "recent_orders"],
        ),
        (
            "Meine Telefonnummer hat sich geändert und wo bleibt mein Paket KF-500001",
            ["update_phone", "order_status"],
        ),
        ("帮我查一下KF-500002，顺便把我的电话改成13812345678", ["order_status", "update_phone"]),
        ("我想改一下收货地址，还有工单的进度怎么样了", ["update_address", "ticket_status"]),
        (
            "ich möchte KF-500004 zurückgeben und mit einem echten Menschen sprechen",
            ["return_order", "human_handoff"],
        ),
        ("can you tell me the status of my ticket", ["ticket_status"]),
        (
            "hi, can you cancel KF-503000 and also tell me my open tickets",
            ["cancel_order", "ticket_status"],
        ),
        ("any news on my ticket?", ["ticket_status"]),
        ("wo ist mein Paket und zeig mir meine offenen Tickets", ["order_status", "ticket_status"]),
        ("帮我取消KF-500001，然后查一下我的工单", ["cancel_order", "ticket_status"]),
        ("I want to open a ticket about my order", ["open_ticket"]),
        ("帮我开个工单", ["open_ticket"]),
        ("我之前提交的工单有进展吗", ["ticket_status"]),
        ("我是C10001，邮编10115，帮我看看KF-500002", ["order_status"]),
        ("wheres KF500002", ["order_status"]),
        # A question the FAQ answers is no request; a late order asks for its status.
        ("cancel KF-502994 pls. oh and whats ur return policy", ["cancel_order"]),
        (
            "my order KF-500017 is late and i also want to update my email to x@example.com",
            ["order_status", "update_email"],
        ),
        (
            "Mein Paket ist noch nicht angekommen und meine Adresse hat sich geändert",
            ["order_status", "update_address"],
        ),
        (
            "Ändern Sie bitte meine E-Mail auf a@example.de und sagen Sie mir, wo KF-502985 ist",
            ["update_email", "order_status"],
        ),
        (
            "Wo ist KF-502987? Außerdem möchte ich mich über den Kurier beschweren",
            ["order_status", "open_ticket"],
        ),
        ("我的邮箱是a@example.com，邮编40421，我要退KF-502938，质量有问题", ["return_order"]),
        ("我想退款", []),
        ("I need to talk to someone about a missing refund", ["human_handoff"]),
        ("Kann ich mit jemandem sprechen?", ["human_handoff"]),
        ("the driver refused to speak to me", []),
        ("never mind, cancel that", []),
        ("the box was damaged and the lamp is scratched", []),
    ],
)
def test_requests_in_names_each_request_once_in_order(text: str, requests: list[str]) -> None:
    assert requests_in(text) == requests


@pytest.mark.parametrize(
    ("text", "questions"),
    [
        ("cancel KF-502994 pls. oh and whats ur return policy", ["faq/returns_policy"]),
        ("Wie hoch sind die Versandkosten? Und bitte stornieren Sie KF-500001", ["faq/shipping"]),
        ("取消订单KF-500001，另外你们有哪些支付方式", ["faq/payment"]),
        ("cancel KF-500001 and tell me where it is", []),
    ],
)
def test_faq_questions_beside_a_request_are_found(text: str, questions: list[str]) -> None:
    assert faq_questions(text) == questions


def test_changes_mind_needs_a_marker() -> None:
    assert changes_mind("actually, check KF-500004 instead")
    assert changes_mind("算了，帮我查一下物流")
    assert changes_mind("ach doch nicht, wo ist eigentlich meine andere Bestellung?")
    assert changes_mind("oh wait, cancel it instead")
    assert changes_mind("嗯，算了")
    assert changes_mind("嗯算了，帮我查一下物流")
    assert not changes_mind("it arrived broken")
    assert not changes_mind("passt doch nicht")  # a reason, not a change of mind


async def test_a_change_of_mind_inside_the_return_form_is_not_taken_as_the_reason() -> None:
    tracker = make_tracker(
        "actually never mind, what's the status of KF-500004?",
        "stop",
        [("order_number", "KF-500004")],
        slots={**verified(), "order_number": "KF-500003"},
        form="return_form",
        requested_slot="return_reason",
    )
    outcome = await run_action(ValidateReturnForm(), tracker)
    assert outcome.slots["flow_aborted"] is True
    assert outcome.slots["pending_request"] == "order_status"
    assert outcome.slots["queued_order"] == "KF-500004"
    assert "return_reason" not in outcome.slots
    assert "status of your order" in outcome.texts


async def test_a_plain_reason_stays_the_reason() -> None:
    tracker = make_tracker(
        "the status light is broken",
        "order_status",
        slots={**verified(), "order_number": "KF-500003"},
        form="return_form",
        requested_slot="return_reason",
    )
    outcome = await run_action(ValidateReturnForm(), tracker)
    assert outcome.slots["return_reason"] == "the status light is broken"
    assert not outcome.slots.get("pending_request")


async def test_after_the_switch_the_new_request_is_served_in_the_same_turn() -> None:
    tracker = make_tracker(
        "actually never mind, what's the status of KF-500002?",
        "stop",
        [("order_number", "KF-500002")],
        slots={
            **verified(),
            "flow_aborted": True,
            "pending_request": "order_status",
            "queued_order": "KF-500002",
        },
    )
    outcome = await run_action(ActionRequestReturn(), tracker)
    assert "KF-500002" in outcome.texts and "00340434161234567890" in outcome.texts
    assert "utter_flow_stopped" not in outcome.responses
    assert outcome.slots["pending_request"] is None


async def test_a_second_request_in_the_first_message_is_queued_and_said_so() -> None:
    tracker = make_tracker(
        "change my email to ben.new@example.org and also check order KF-500004",
        "update_email",
        [("email", "ben.new@example.org"), ("order_number", "KF-500004")],
        form="update_email_form",
    )
    outcome = await run_action(ValidateUpdateEmailForm(), tracker)
    assert outcome.slots["pending_request"] == "order_status"
    assert outcome.slots["queued_order"] == "KF-500004"
    assert "come back to the status of your order" in outcome.texts


async def test_a_direct_status_answer_serves_the_second_request_after_it() -> None:
    tracker = make_tracker(
        "where is KF-500002 and also what about KF-500001",
        "order_status",
        [("order_number", "KF-500002"), ("order_number", "KF-500001")],
        slots=verified(),
    )
    outcome = await run_action(ActionOrderStatus(), tracker)
    assert "KF-500002" in outcome.texts


async def test_a_bare_order_number_after_a_status_answer_is_a_status_question() -> None:
    history = [
        user_event("where is my order KF-500001", "order_status", [("order_number", "KF-500001")]),
        ActionExecuted("action_order_status"),
        ActionExecuted("action_listen"),
    ]
    tracker = make_tracker(
        "KF-500002", "inform", [("order_number", "KF-500002")], slots=verified(), history=history
    )
    outcome = await run_action(ActionValueInContext(), tracker)
    assert "00340434161234567890" in outcome.texts  # KF-500002's tracking number


async def test_a_bare_order_number_with_no_request_before_it_gets_the_question() -> None:
    tracker = make_tracker("KF-500002", "inform", [("order_number", "KF-500002")])
    outcome = await run_action(ActionValueInContext(), tracker)
    assert outcome.responses == ["utter_value_without_request"]


async def test_a_bare_contact_from_a_stranger_starts_the_identification() -> None:
    tracker = make_tracker(
        "anna.schmidt@example.com", "inform", [("email", "anna.schmidt@example.com")]
    )
    outcome = await run_action(ActionValueInContext(), tracker)
    assert FollowupAction("identify_form") in outcome.events
    assert outcome.responses == []


async def test_a_bare_contact_from_a_verified_customer_still_gets_the_question() -> None:
    tracker = make_tracker(
        "anna.schmidt@example.com",
        "inform",
        [("email", "anna.schmidt@example.com")],
        slots=verified(),
    )
    outcome = await run_action(ActionValueInContext(), tracker)
    assert outcome.responses == ["utter_value_without_request"]


@pytest.mark.parametrize(
    ("text", "intent", "second"),
    [
        ("the tracking number you sent me doesn't work", "open_ticket", None),
        ("my order KF-500002 arrived broken", "open_ticket", None),
        ("cancel KF-500001 and also tell me my open tickets", "cancel_order", "ticket_status"),
        ("我是C10001，邮编10115，帮我看看KF-500002", "identify", "order_status"),
    ],
)
def test_a_second_request_needs_a_clause_of_its_own(
    text: str, intent: str, second: str | None
) -> None:
    assert second_request(make_tracker(text, intent), intent) == second


async def test_a_bare_inform_naming_nothing_gets_the_clarifying_question() -> None:
    tracker = make_tracker("asdf", "inform", [("language", "en")])
    outcome = await run_action(ActionValueInContext(), tracker)
    assert FollowupAction("action_clarify") in outcome.events
    assert outcome.responses == []


@pytest.mark.parametrize(
    "text",
    [
        "cancel",
        "Cancel.",
        "no, cancel that please",
        "please cancel",
        "I changed my mind",
        "abbrechen",
        "Ich habe es mir anders überlegt",
        "hab's mir anders überlegt",
        "取消",
        "取消吧",
        "我改主意了",
    ],
)
def test_a_bare_cancel_calls_off_what_is_under_way(text: str) -> None:
    assert cancels_this(text)


@pytest.mark.parametrize(
    "text",
    [
        "cancel KF-500001",
        "cancel my order",
        "cancel it",  # "it" may be the order just talked about
        "取消订单",
        "Bestellung stornieren",
        "can I cancel?",
        "the cancel button does not work",
        "Musterstraße 12, 10115 Berlin",
    ],
)
def test_a_cancellation_with_an_object_is_a_request(text: str) -> None:
    assert not cancels_this(text)


@pytest.mark.parametrize(
    ("text", "cancel", "status"),
    [
        ("Can you tell me when KF-500002 will arrive and also cancel KF-500001?", "KF-500001",
         "KF-500002"),
        ("where is KF-500002? and please cancel KF-500001", "KF-500001", "KF-500002"),
        ("cancel KF-500001 and tell me where KF-500002 is", "KF-500001", "KF-500002"),
        ("Sagen Sie mir, wann KF-500002 ankommt, und stornieren Sie KF-500001", "KF-500001",
         "KF-500002"),
        ("帮我取消KF-500001，还有KF-500002什么时候能到", "KF-500001", "KF-500002"),
        # no clause names the request with a number: the caller keeps NLU's order
        ("cancel KF-500001 and check KF-500004", "KF-500001", None),
        ("KF-500001 please, and where is my parcel", None, None),
    ],
)  # fmt: skip
def test_each_request_takes_the_order_number_of_its_own_clause(
    text: str, cancel: str | None, status: str | None
) -> None:
    assert order_for_request(text, "cancel_order") == cancel
    assert order_for_request(text, "order_status") == status
