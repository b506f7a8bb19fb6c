"""Another order named while an order form asks about the one it has: "Shall I cancel
KF-500001?" - "sorry, I meant KF-500002". The form takes the order named, checks it and asks
its question again about it, instead of reading the correction as the answer."""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions import slots
from actions.conversation import latest_entity_values, latest_text
from actions.digression import requests_in
from actions.extraction import requested_slot
from crm_store.normalize import normalize_order_number

# "cancel KF-500002 instead", "nein, ich meinte KF-500002", "不是这个，是KF-500002": a correction
# even though it names the request again.
_CORRECTION = re.compile(
    r"\b(?:instead|meant|mean|sorry|actually|wrong|not that|stattdessen|statt|meinte|eigentlich"
    r"|falsch)\b|不是|搞错|错了|我是说",
    re.IGNORECASE,
)


def _order_asked_about(tracker: Tracker) -> str | None:
    """The form's order when it asked its question: from the events, as the validation's own
    extraction updates the tracker's slots while it runs."""
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == slots.ORDER_NUMBER:
            value = event.get("value")
            return str(value) if value else None
    return None


def corrected_order(tracker: Tracker, own_request: str) -> str | None:
    """The one order the latest message names, when it is not the form's order and the form
    asks something after the order (its confirmation, the reason); None otherwise. A message
    that names another request ("and cancel KF-500003 too") is no correction."""
    asked = requested_slot(tracker)
    current = _order_asked_about(tracker)
    if asked in (None, slots.ORDER_NUMBER, *slots.IDENTIFICATION_SLOTS) or current is None:
        return None
    named = {
        number
        for value in latest_entity_values(tracker, "order_number")
        if (number := normalize_order_number(str(value))) is not None
    }
    if len(named) != 1 or current in named:
        return None
    text = latest_text(tracker)
    requests = set(requests_in(text))
    if requests - {own_request} or (requests and not _CORRECTION.search(text)):
        return None
    return named.pop()
