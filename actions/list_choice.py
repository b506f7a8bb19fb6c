"""What the customer picks from a list the bot has just shown: "the second one", "die zweite",
"第二个", "the keyboard", "yes" to the one order offered; and the message their reply answers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Tracker

from actions.conversation import (
    ORDER_NUMBER_IN_TEXT,
    button_payloads,
    latest_text,
    session_events,
    with_gloss,
)
from crm_store.views import OrderView

# "the second one", "die zweite", "第二个": a position in a list the bot has just shown.
_ORDINALS = {
    **dict.fromkeys(("first", "1st", "erst", "一", "1"), 0),
    **dict.fromkeys(("second", "2nd", "zweit", "二", "2"), 1),
    **dict.fromkeys(("third", "3rd", "dritt", "三", "3"), 2),
    **dict.fromkeys(("fourth", "4th", "viert", "四", "4"), 3),
    **dict.fromkeys(("fifth", "5th", "fünft", "fuenft", "五", "5"), 4),
}
_ORDINAL = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th)\b"
    r"|\b(erst|zweit|dritt|viert|fünft|fuenft)(?:e|en|er|es|em)\b"
    r"|第\s*([一二三四五1-5])",
    re.IGNORECASE,
)


def position_named(text: str) -> int | None:
    """The place in a list `text` names ("the second one": 1), if any."""
    match = _ORDINAL.search(text)
    return None if match is None else _ORDINALS[next(g for g in match.groups() if g).lower()]


def order_at_position(tracker: Tracker) -> str | None:
    """The order the latest message points to by its place in the list the bot showed last."""
    position = position_named(latest_text(tracker))
    if position is None:
        return None
    for event in reversed(session_events(tracker)):
        if event.get("event") != "bot":
            continue
        listed = list(dict.fromkeys(ORDER_NUMBER_IN_TEXT.findall(str(event.get("text") or ""))))
        # A list, or the bot's question offering just one order ("the first one" is it).
        if len(listed) > 1 or (listed and _orders_offered(event)):
            return listed[position] if position < len(listed) else None
    return None


def _orders_offered(bot_event: dict[str, Any]) -> list[str]:
    """The orders a bot message offers as buttons ("which order?", actions/order_question.py)."""
    return [p for p in button_payloads(bot_event) if ORDER_NUMBER_IN_TEXT.fullmatch(p)]


# A listed order's line ("• KF-500003 — 1 × Mechanical keyboard, 1 × Notebook A5 — placed …"),
# and the words of its items.
_LISTED_ORDER = re.compile(r"^\W*(KF-\d{6})\s*[—-]\s*([^—\n]+)", re.MULTILINE)
_ITEM_WORD = re.compile(r"[^\W\d_]{4,}")


def _words(text: str) -> set[str]:
    # "keyboards" names a keyboard: a final "s" does not matter.
    return {word.lower().removesuffix("s") for word in _ITEM_WORD.findall(text)}


def order_by_item(tracker: Tracker) -> str | None:
    """The order in the list the bot showed last whose items the latest message names ("the
    keyboard"), when exactly one listed order has them."""
    said = _words(with_gloss(tracker.latest_message))
    if not said:
        return None
    for event in reversed(session_events(tracker)):
        if event.get("event") != "bot":
            continue
        listed = _LISTED_ORDER.findall(str(event.get("text") or ""))
        if listed:
            matching = {number for number, items in listed if said & _words(items)}
            return matching.pop() if len(matching) == 1 else None
    return None


def bot_message_answered(tracker: Tracker) -> dict[str, Any] | None:
    """The bot's last message before the customer's latest one (what the bot said since is its
    answer to that message)."""
    answered = False
    for event in reversed(session_events(tracker)):
        if event.get("event") == "user":
            answered = True
        elif event.get("event") == "bot" and answered:
            return event
    return None


def orders_offered_last(tracker: Tracker) -> list[str]:
    """The orders offered as buttons by the bot's message the customer answered (none if it was
    no "which order?")."""
    question = bot_message_answered(tracker)
    return [] if question is None else _orders_offered(question)


def order_offered_alone(tracker: Tracker) -> str | None:
    """The one order the bot's latest "which order?" question offered (a "yes" takes it)."""
    offered = orders_offered_last(tracker)
    return offered[0] if len(offered) == 1 else None


def names_items(text: str, items: str) -> bool:
    """Whether `text` names something in `items` ("return the garden hose", "1 × Garden hose")."""
    return bool(_words(text) & _words(items))


def order_naming_items(orders: Sequence[OrderView], text: str) -> OrderView | None:
    """The one order among `orders` whose items `text` names ("wo ist mein Toaster"), if exactly
    one has them."""
    named = [order for order in orders if text and names_items(text, order.item_summary)]
    return named[0] if len(named) == 1 else None
