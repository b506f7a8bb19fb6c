"""The words that open a follow-up question carry no topic (bot/follow_up.py)."""

from __future__ import annotations

import pytest

from bot.follow_up import opens_a_follow_up, points_back, without_follow_up_words


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("and on laptops?", "on laptops?"),
        ("what about furniture?", "furniture?"),
        ("und bei Laptops?", "bei Laptops?"),
        ("Was ist mit Möbeln?", "Möbeln?"),
        ("and what about furniture?", "furniture?"),
        ("ok and for headphones?", "for headphones?"),
        ("Wie sieht es mit Laptops aus?", "Laptops aus?"),
        ("那笔记本电脑呢？", "笔记本电脑？"),
        ("家具呢", "家具"),
    ],
)
def test_a_follow_up_without_its_opening_words(text: str, rest: str) -> None:
    assert opens_a_follow_up(text)
    assert without_follow_up_words(text) == rest


@pytest.mark.parametrize(
    "text",
    ["how long is the warranty?", "Android phones?", "andrew here", "Wie lange?", "保修多久"],
)
def test_other_questions_are_left_as_they_are(text: str) -> None:
    assert not opens_a_follow_up(text)
    assert without_follow_up_words(text) == text


def test_nothing_but_opening_words_is_left_as_it_is() -> None:
    assert without_follow_up_words("and?") == "and?"


def test_words_that_point_back() -> None:
    assert points_back("und wie lange dauert das?") and points_back("is it free?")
    assert points_back("这个要多久")
    assert not points_back("what about returns?") and not points_back("Italien?")
    assert not points_back("gibt es Expressversand?")  # "es" there points at nothing
