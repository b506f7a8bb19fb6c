"""Parsing answers: ratings, yes/no, "no comment", ticket categories, raw text as an answer."""

from __future__ import annotations

from typing import Any

import pytest

from actions.extraction import (
    answer_text,
    asks_why,
    guess_ticket_category,
    is_decline,
    lacks_it,
    parse_confirmation,
    parse_rating,
)
from tests.actions.support import make_tracker


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        (1.0, 1),
        ("3", 3),
        ("5 stars", 5),
        ("4/5", 4),
        ("4 out of 5", 4),
        ("I'd give you a four", 4),
        ("Five!", 5),
        ("rating: 2, could be better", 2),
        (0, None),
        (6, None),
        (4.5, None),
        ("4.5", None),
        ("4,5", None),
        ("10", None),
        ("between 3 and 4", None),
        ("great", None),
        ("vier Sterne", 4),
        ("Fünf!", 5),
        ("五星", 5),
        ("打三分吧", 3),
        ("一颗星", 1),
        ("五", 5),
        ("excellent!", 5),
        ("Ausgezeichnet", 5),
        ("很满意", 5),
        ("poor", 1),
        ("sehr gut", None),
        ("⭐⭐⭐⭐", 4),
        ("★★★★★", 5),
        ("⭐", 1),
        ("⭐⭐⭐⭐⭐⭐", None),
        ("10/10", 5),
        ("7 out of 10", 4),
        ("1/10", 1),
        ("8 von 10", 4),
        ("not poor at all", None),
        ("一般", None),
        ("drei oder vier", None),
        (True, None),
        (None, None),
    ],
)
def test_parse_rating(value: Any, expected: int | None) -> None:
    assert parse_rating(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        ("yes", True),
        ("Sure, go ahead", True),
        ("ok", True),
        ("no", False),
        ("Nope", False),
        ("don't", False),
        ("maybe", None),
        ("", None),
    ],
)
def test_parse_confirmation(value: Any, expected: bool | None) -> None:
    assert parse_confirmation(value) is expected


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("no", "deny", True),
        ("no, all good", "inform", True),
        ("nothing", None, True),
        ("no thanks!", "thanks", True),
        ("no complaints, great", "inform", False),
        ("it was all quite slow honestly", "deny", False),
        ("nah", "deny", True),
        # A question about the answer ("Pick one to hear why") is no "no".
        ("why not", "deny", False),
        ("warum nicht?", "deny", False),
        ("为什么不行", "deny", False),
    ],
)
def test_is_decline(text: str, intent: str | None, expected: bool) -> None:
    assert is_decline(make_tracker(text, intent)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The parcel never arrived", "delivery"),
        ("refund my card", "payment"),
        ("it's faulty", "product"),
        ("reset my password", "account"),
        ("OTHER", "other"),
        ("a plate is missing", "delivery"),
        ("translate this", None),
        # typed in German or Chinese instead of pressing a button
        ("Lieferung", "delivery"),
        ("Mein Paket ist nicht angekommen", "delivery"),
        ("Die Rechnung stimmt nicht", "payment"),
        ("Sonstiges", "other"),
        ("Anzahl", None),
        ("我的包裹还没到", "delivery"),
        ("商品坏了", "product"),
        ("其他", "other"),
        ("my headphones stopped working after a week", "product"),
        ("it broke after two days", "product"),
        ("the blender doesnt work", "product"),
        ("Der Toaster hat aufgehört zu funktionieren", "product"),
        ("台灯不亮了", "product"),
        # a device that has gone quiet or dead
        ("我想开个工单，耳机左边没声音了", "product"),
        ("the left earbud has no sound anymore", "product"),
        ("Der Lautsprecher hat keinen Ton mehr", "product"),
        ("Das Handy lädt nicht mehr", "product"),
        ("手机开不了机", "product"),
        # the people who bring the parcel, in three languages
        ("the driver was rude", "delivery"),
        ("my package says delivered but there's nothing at my door", "delivery"),
        ("Der Fahrer war total unfreundlich", "delivery"),
        ("Das Paket wurde nicht zugestellt", "delivery"),
        ("快递员态度太差了", "delivery"),
        # an angry complaint about a late order (the apology's ticket takes its category)
        ("this is ridiculous, still not here!!!", "delivery"),
        ("it was supposed to be here last week and nobody answers my emails", "delivery"),
        ("Das ist eine Frechheit, immer noch nicht da!!!", "delivery"),
        ("Ich bin nicht dabei", None),
        # the customer's own data: erasure, privacy, newsletters
        ("please delete all my data", "account"),
        ("Bitte löschen Sie meine Daten", "account"),
        ("请删除我的个人信息", "account"),
        ("I want to unsubscribe from your newsletter", "account"),
    ],
)
def test_guess_ticket_category(text: str, expected: str | None) -> None:
    assert guess_ticket_category(text) == expected


def test_answer_text() -> None:
    assert answer_text(make_tracker("  C10001 ", "inform")) == "C10001"
    assert answer_text(make_tracker('/inform{"rating":5}', "inform")) is None
    assert answer_text(make_tracker("what's your return policy", "faq")) is None
    assert answer_text(make_tracker("it broke, can I return it", "faq"), free_text=True)
    assert len(answer_text(make_tracker("x" * 5000, "inform")) or "") == 2000


@pytest.mark.parametrize(
    ("text", "lacks"),
    [
        ("i don't remember my email", True),
        ("I forgot it", True),
        ("hab ich vergessen", True),
        ("weiß ich nicht mehr", True),
        ("我忘了邮箱", True),
        ("Ich weiß meine Kundennummer nicht", True),
        ("ich habe meine Bestellnummer nicht zur Hand", True),
        ("ich kenne meine Postleitzahl nicht", True),
        ("I can't find my order number", True),
        ("not sure which email I used", True),
        ("我找不到订单号", True),
        ("anna.schmidt@example.com", False),
        ("ich weiß es, 10115", False),
        ("C10001", False),
        ("I do remember it", False),
    ],
)
def test_lacks_it(text: str, lacks: bool) -> None:
    assert lacks_it(text) is lacks


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("why do you need that?", True),
        ("What do you need it for?", True),
        ("wozu brauchen Sie das?", True),
        ("为什么要这个？", True),
        ("10115", False),
        ("who are you?", False),
        ("I'll tell you why it broke", False),
    ],
)
def test_asks_why(text: str, why: bool) -> None:
    assert asks_why(text) is why
