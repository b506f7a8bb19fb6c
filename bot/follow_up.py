"""The words that open a follow-up question ("and on laptops?", "what about furniture?", "und bei
Laptops?", "那笔记本电脑呢？"): they carry no topic of their own, so the response selector scores
the question without them, and the FAQ answer stays on the topic just answered unless the rest
of the question is sure of another (bot/responses.py)."""

from __future__ import annotations

import re

# Longer openings first: "and what about" goes as a whole, not "and" alone. An "ok" before one is
# part of it; alone, like "but" or "so", it opens anything ("Okay, any time tomorrow works" in
# STAR's dialogues), so it opens no follow-up.
_OPENING = re.compile(
    r"^\s*(?:ok(?:ay)?[\s,.!]+)?"
    r"(?:(?:and\s+what\s+about|what\s+about|how\s+about|und\s+was\s+ist\s+mit"
    r"|was\s+ist\s+mit|wie\s+ist\s+es\s+mit|wie\s+sieht\s+es\s+(?:mit|bei)"
    r"|and|also|und|auch)\b[\s,]*"
    r"|(?:那么|那|还有|另外)[，,\s]*)",
    re.IGNORECASE,
)
_CLOSING = re.compile(r"呢\s*([？?]?)\s*$")


# A word that points back at what was just answered ("und wie lange dauert das?", "is it free?").
_POINTS_BACK = re.compile(
    r"\b(?:it|that|this|das|dies|dafür|davon|dabei)\b|它|这个|那个|这样", re.IGNORECASE
)


def points_back(text: str) -> bool:
    return bool(_POINTS_BACK.search(text))


def opens_a_follow_up(text: str) -> bool:
    return bool(_OPENING.match(text) or _CLOSING.search(text))


def without_follow_up_words(text: str) -> str:
    """The question without the words that open ("and", "und", "那") or close ("呢") a
    follow-up; the text itself when that leaves nothing."""
    rest = _CLOSING.sub(r"\1", _OPENING.sub("", text, count=1))
    return rest if rest.strip(" ?？!！.,") else text
