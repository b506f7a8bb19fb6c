"""Angry or upset customers: an apology and an offer (a ticket with their words, or a person).

"This is the third time I'm writing!!! ... Terrible service." used to get "What's your email
address?". A `complain` message, a strongly negative one (the NLP layer's sentiment, per
message) or a second complaint in the session now gets an apology and two ways forward; the
complaint text is kept in the `complaint` slot, and the ticket form takes it as its description.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import localized, slots
from actions.base import Dispatcher, Events, KefuAction
from actions.conversation import (
    button_payloads,
    intent_of,
    is_button_payload,
    latest_intent,
    latest_text,
)
from actions.handoff import UPSET_REASON, perform_handoff
from nlp.sentiment import sentiment_score

COMPLAIN_INTENT = "complain"
# At or below this sentiment a message is upset, whatever its intent: -0.61 is "the lamp arrived
# broken" (a return reason), -0.68 "Waste of time", -0.85 "Terrible service" with three "!!!".
STRONGLY_NEGATIVE = -0.65
# Messages this negative count as complaints when counting repeated ones.
NEGATIVE = -0.4
# From this many complaints in a session on, the customer is upset even if politely so.
REPEATED_COMPLAINTS = 2
# The complaint kept for a ticket is cut here: the ticket's description has its own limit.
MAX_COMPLAINT_CHARS = 1500
# The two ways forward the apology offers, as its buttons send them.
TICKET_WAY, PERSON_WAY = "open_ticket", "human_handoff"
_OFFER_PAYLOADS = {f"/{TICKET_WAY}", f"/{PERSON_WAY}"}
# Typed answers to the offer ("yes, a ticket please", "ja, lieber ein Mensch", "第一个").
_WAY_WORDS = {
    TICKET_WAY: re.compile(r"ticket|工单|投诉单|\bfirst\b|\berste|第一", re.IGNORECASE),
    PERSON_WAY: re.compile(
        r"\b(person|human|someone|somebody|colleague|agent|staff|real one)\b|\bsecond\b|"
        r"mensch|mitarbeiter|kolleg|jemand|\bzweite|人工|真人|同事|客服|第二",
        re.IGNORECASE,
    ),
}


def _session_user_texts(tracker: Tracker) -> list[tuple[str, str | None]]:
    """(text, intent) of the customer's typed messages in this session, oldest first."""
    found: list[tuple[str, str | None]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        if event.get("event") == "user":
            text = str(event.get("text") or "")
            if text and not is_button_payload(text):
                found.append((text, intent_of(event)))
    return found[::-1]


# Asking to cancel is a request, not a feeling: the NLP layer's lexicon scores "cancel" as
# negative (a cancelled order says something about satisfaction), which made "can I still cancel
# it?" (-0.65) read as upset and get an apology.
_CANCEL_WORDS = re.compile(r"\bcancel\w*|\bstorn\w*|取消|退订", re.IGNORECASE)


def feeling_score(text: str) -> float:
    """The message's sentiment without the words that name a cancellation."""
    return sentiment_score(_CANCEL_WORDS.sub(" ", text))


def is_complaint(text: str, intent: str | None) -> bool:
    return intent == COMPLAIN_INTENT or feeling_score(text) <= NEGATIVE


def complaints_in_session(tracker: Tracker) -> int:
    return sum(is_complaint(text, intent) for text, intent in _session_user_texts(tracker))


def is_upset(tracker: Tracker) -> bool:
    """Whether the latest message needs an acknowledgement before anything else."""
    text = latest_text(tracker)
    if not text or is_button_payload(text):
        return False
    if latest_intent(tracker) == COMPLAIN_INTENT or feeling_score(text) <= STRONGLY_NEGATIVE:
        return True
    return is_complaint(text, latest_intent(tracker)) and (
        complaints_in_session(tracker) >= REPEATED_COMPLAINTS
    )


def complaint_text(tracker: Tracker) -> str:
    """The session's complaints in the customer's words, for a ticket."""
    texts = [text for text, intent in _session_user_texts(tracker) if is_complaint(text, intent)]
    return "\n".join(texts)[-MAX_COMPLAINT_CHARS:]


def acknowledge(dispatcher: Dispatcher, tracker: Tracker) -> Events:
    """Apologise, offer a ticket or a person, and keep the complaint for the ticket."""
    language = localized.language_of(tracker)
    dispatcher.utter_message(
        text=localized.text("feelings_acknowledged", language),
        buttons=localized.buttons(localized.FEELINGS_BUTTONS[language]),
    )
    complaint = complaint_text(tracker) or latest_text(tracker)
    return [SlotSet(slots.COMPLAINT, complaint)]


def _makes_the_offer(bot_event: dict[str, Any]) -> bool:
    """Whether this reply offers a ticket or a person (its two buttons)."""
    return set(button_payloads(bot_event)) == _OFFER_PAYLOADS


def offer_just_made(tracker: Tracker) -> str | None:
    """The offer the bot's reply to the customer's previous message ended with: "offer" (the
    apology's ticket-or-person question), "which" (that question asked again), or None."""
    seen_latest = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_latest:
                return None
            seen_latest = True
        elif kind == "bot" and seen_latest:
            if not _makes_the_offer(event):
                return None
            texts = localized.texts_of("feelings_which")
            return "which" if event.get("text") in texts else "offer"
    return None


def offer_left_open(tracker: Tracker) -> bool:
    """The apology's offer (a ticket or a person) was made in this session and the customer has
    not chosen yet: they answered it with who they are, say."""
    if not tracker.get_slot(slots.COMPLAINT) or tracker.get_slot(slots.AGENT_REQUESTED):
        return False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "session_started":
            return False
        if kind == "user":
            text = str(event.get("text") or "")
            if text in _OFFER_PAYLOADS or way_chosen(text) is not None:
                return False
        elif kind == "bot" and _makes_the_offer(event):
            return True
    return False


def way_chosen(text: str) -> str | None:
    """The way forward a typed answer to the offer names, if it names exactly one."""
    named = [way for way, words in _WAY_WORDS.items() if words.search(text)]
    return named[0] if len(named) == 1 else None


def chooses_the_ticket(tracker: Tracker) -> bool:
    """The latest message answers the offer with the ticket, whatever NLU made of it ("ticket"
    alone reads as a question about a ticket's status)."""
    return offer_just_made(tracker) is not None and way_chosen(latest_text(tracker)) == TICKET_WAY


def ask_which_way(dispatcher: Dispatcher, tracker: Tracker) -> Events:
    language = localized.language_of(tracker)
    dispatcher.utter_message(
        text=localized.text("feelings_which", language),
        buttons=localized.buttons(localized.FEELINGS_BUTTONS[language]),
    )
    return []


async def acknowledge_or_hand_off(dispatcher: Dispatcher, tracker: Tracker) -> Events:
    """The first time: apologise and offer a ticket or a person. Upset again after that offer
    (the complaint slot holds the earlier words): a person takes over, no second offer."""
    if not tracker.get_slot(slots.COMPLAINT):
        return acknowledge(dispatcher, tracker)
    handed_off = await perform_handoff(
        dispatcher, tracker, f"{UPSET_REASON}: upset again after an apology"
    )
    return [
        *handed_off,
        SlotSet(slots.COMPLAINT, complaint_text(tracker) or latest_text(tracker)),
    ]


class ActionAcknowledgeFeelings(KefuAction):
    """Runs for `complain` (rules_feelings.yml) and for upset messages NLU could not place."""

    action_name = "action_acknowledge_feelings"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        return await acknowledge_or_hand_off(dispatcher, tracker)
