"""The actions' own texts in every language: localized.py's tables and replies.py's sentences."""

from __future__ import annotations

import re
import string
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from actions import fallback, localized, order_replies, replies, ticket_replies
from actions.digression import REQUEST_INTENTS
from crm_store.views import CustomerView, OrderView, TicketView

_HAN = re.compile(r"[\u4e00-\u9fff]")
WHEN = datetime(2025, 3, 4, 10, 0, tzinfo=timezone.utc)


def fields(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


@pytest.mark.parametrize("key", sorted(localized._TEXTS))
def test_every_text_is_in_every_language_with_the_same_placeholders(key: str) -> None:
    variants = localized._TEXTS[key]
    assert set(variants) == set(localized.LANGUAGES), key
    assert len({fields(text) for text in variants.values()}) == 1, key
    assert _HAN.search(variants["zh"]) and not _HAN.search(variants["en"]), key


def test_every_request_the_bot_can_queue_has_a_name_in_every_language() -> None:
    assert set(localized._REQUEST_NAMES) >= REQUEST_INTENTS
    for request, names in localized._REQUEST_NAMES.items():
        assert len(names) == len(localized.LANGUAGES) and all(names), request
        assert len(set(names)) == len(names), request  # not copied from another language
        assert localized.request_name(request, "de") == names[1]
    assert localized.request_name("order_status", "fr") == names_of("order_status")[0]


def names_of(request: str) -> tuple[str, str, str]:
    return localized._REQUEST_NAMES[request]


def test_the_buttons_differ_only_in_their_titles() -> None:
    assert set(localized.FEELINGS_BUTTONS) == set(localized.LANGUAGES)
    payloads = {tuple(p for _, p in b) for b in localized.FEELINGS_BUTTONS.values()}
    assert len(payloads) == 1


def test_a_text_falls_back_to_english_for_an_unknown_language() -> None:
    english = localized.text("request_queued", "en", request="x")
    assert localized.text("request_queued", "fr", request="x") == english


# --- replies.py: every sentence about a record, in each language ----------------------


def order(status: str) -> OrderView:
    return OrderView(
        order_number="KF-500002", status=status, placed_at=WHEN, total=Decimal("74.80"),
        currency="EUR", carrier="DHL", tracking_number="0034", shipped_at=WHEN,
        delivered_at=WHEN, cancelled_at=WHEN, item_summary="2 × Desk lamp",
    )  # fmt: skip


TICKET = TicketView("T-10001", "open", "normal", "delivery", "problem", "Late", WHEN, WHEN)
CUSTOMER = CustomerView(
    1, "C10001", "Anna", "Schmidt", "anna@example.com", "+49301234567", "Musterstraße 12",
    "10115", "Berlin",
)  # fmt: skip


def every_sentence(language: str) -> dict[str, str]:
    """Each public composing function of replies.py, called once in `language`."""
    return {
        **{
            f"order_status/{s}": order_replies.order_status(order(s), language)
            for s in ("placed", "paid", "shipped", "delivered", "cancelled", "returned")
        },
        "recent_orders": replies.recent_orders([order("paid")], language),
        "recent_orders/none": replies.recent_orders([], language),
        "cancel_question": replies.cancel_question("KF-500002", order("paid"), language),
        "cancel_question/number": replies.cancel_question("KF-500002", None, language),
        "order_cancelled": replies.order_cancelled(order("cancelled"), language),
        **{
            f"not_cancellable/{s}": replies.order_not_cancellable("KF-500002", s, language)
            for s in ("shipped", "delivered", "cancelled", "returned")
        },
        **{
            f"return_refused/{r}": replies.return_refused("KF-500002", r, language)
            for r in (*replies._RETURN_REFUSALS, "something new")
        },
        "return_requested": replies.return_requested(TICKET, "KF-500002", language),
        "ticket_question": ticket_replies.ticket_question("delivery", "late", language),
        "ticket_opened": ticket_replies.ticket_opened(TICKET, 30.0, language),
        "ticket_status": ticket_replies.ticket_status(TICKET, language),
        "open_tickets": ticket_replies.open_tickets([TICKET], language),
        "open_tickets/none": ticket_replies.open_tickets([], language),
        "email_updated": replies.email_updated(CUSTOMER, language),
        "phone_updated": replies.phone_updated(CUSTOMER, language),
        "address_updated": replies.address_updated(CUSTOMER, language),
        "clarify": fallback.clarify_question(True, language),
        "clarify/none": fallback.clarify_question(False, language),
        "offer_human": fallback.offer_human(language),
        **{
            f"button/{b['payload']}": b["title"]
            for b in [
                *replies.yes_no_buttons(language),
                *fallback.offer_human_buttons(language),
                *fallback.clarify_buttons(list(fallback.INTENT_LABELS), language),
            ]
        },
    }


def test_german_and_chinese_sentences_are_translations_not_copies() -> None:
    english, german, chinese = (every_sentence(language) for language in localized.LANGUAGES)
    assert english.keys() == german.keys() == chinese.keys()
    for key, text in english.items():
        assert german[key] != text or (key.startswith("button/") and text.isdigit()), key
        assert _HAN.search(chinese[key]), (key, chinese[key])
        assert not _HAN.search(text), key


def test_the_record_details_survive_the_translation() -> None:
    for language in localized.LANGUAGES:
        shipped = order_replies.order_status(order("shipped"), language)
        assert all(value in shipped for value in ("KF-500002", "DHL", "0034", "2 × Desk lamp"))
        assert "T-10001" in ticket_replies.ticket_status(TICKET, language)
    assert "74,80 EUR" in replies.recent_orders([order("paid")], "de")
    assert "4. März 2025" in order_replies.order_status(order("delivered"), "de")
    assert "2025年3月4日" in order_replies.order_status(order("delivered"), "zh")
    assert "versandt" in order_replies.order_status(order("shipped"), "de")
    assert "已发货" in order_replies.order_status(order("shipped"), "zh")


def test_an_unknown_language_reads_english() -> None:
    assert order_replies.order_status(order("paid"), "fr") == order_replies.order_status(
        order("paid")
    )
