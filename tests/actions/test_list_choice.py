"""What the customer picks from a list the bot has just shown: by its item, by the buttons it
offered, and in German or Chinese by the English gloss the NLU adds."""

from __future__ import annotations

from actions.list_choice import names_items, order_by_item, orders_offered_last
from tests.actions.support import make_tracker


def _bot(text: str) -> dict[str, object]:
    return {"event": "bot", "text": text}


_LIST = (
    "Which order would you like to return? These can be returned:\n"
    "• KF-500003 — 1 × Mechanical keyboard, 1 × Notebook A5 — placed 26 November 2026\n"
    "• KF-500009 — 2 × Garden hose 20 m, 1 × Notebook A4 — placed 1 November 2026\n"
    "Just tell me which one (like “the first one”) or its order number."
)


def test_an_item_named_picks_the_one_listed_order_with_it() -> None:
    tracker = make_tracker("the keyboards please", history=[_bot(_LIST)])
    assert order_by_item(tracker) == "KF-500003"
    assert order_by_item(make_tracker("the garden hose", history=[_bot(_LIST)])) == "KF-500009"


def test_an_item_in_two_listed_orders_or_in_none_picks_nothing() -> None:
    assert order_by_item(make_tracker("the notebook", history=[_bot(_LIST)])) is None
    assert order_by_item(make_tracker("the toaster", history=[_bot(_LIST)])) is None
    assert order_by_item(make_tracker("the keyboard", history=[_bot("Order KF-500003.")])) is None


def _offering(*numbers: str) -> dict[str, object]:
    buttons = [{"title": number, "payload": number} for number in numbers]
    return {"event": "bot", "text": "Which order?", "data": {"buttons": buttons}}


def test_the_orders_offered_are_those_of_the_question_the_customer_answered() -> None:
    offered = _offering("KF-500007", "KF-500006")
    assert orders_offered_last(make_tracker("the other one", history=[offered])) == [
        "KF-500007",
        "KF-500006",
    ]
    # What the bot said after the customer's message (this turn's answer) is not the question.
    answered = make_tracker(
        "the other one", history=[offered], after=[_bot("I couldn't match that to these.")]
    )
    assert orders_offered_last(answered) == ["KF-500007", "KF-500006"]
    assert orders_offered_last(make_tracker("hello", history=[_bot("Hi!")])) == []


def test_an_item_is_named_by_its_words_not_by_any_word() -> None:
    assert names_items("can I return the garden hose?", "1 × Garden hose 20 m")
    assert names_items("cancel the toasters", "3 × Laptop sleeve, 3 × Toaster")
    assert not names_items("I want to return my order", "1 × Garden hose 20 m")
    assert not names_items("the keyboard", "1 × Webcam")


def test_a_german_or_chinese_item_is_read_in_its_english_gloss() -> None:
    tracker = make_tracker("den Kocher bitte", history=[_bot(_LIST)])
    assert order_by_item(tracker) is None
    tracker.latest_message["gloss"] = "the keyboard please"
    assert order_by_item(tracker) == "KF-500003"
