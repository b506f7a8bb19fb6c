"""Angry or upset customers: an apology and an offer (a ticket with their words, or a person).

"This is the third time I'm writing!!! ... Terrible service." used to get "What's your email
address?". A `complain` message, a strongly negative one (the NLP layer's sentiment, per
message) or a second complaint in the session now gets an apology and two ways forward; the
complaint text is kept in the `complaint` slot, and the ticket form takes it as its description.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import localized, slots
from actions.base import Dispatcher, Events, KefuAction
from actions.conversation import intent_of, is_button_payload, latest_intent, latest_text
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


def is_complaint(text: str, intent: str | None) -> bool:
    return intent == COMPLAIN_INTENT or sentiment_score(text) <= NEGATIVE


def complaints_in_session(tracker: Tracker) -> int:
    return sum(is_complaint(text, intent) for text, intent in _session_user_texts(tracker))


def is_upset(tracker: Tracker) -> bool:
    """Whether the latest message needs an acknowledgement before anything else."""
    text = latest_text(tracker)
    if not text or is_button_payload(text):
        return False
    if latest_intent(tracker) == COMPLAIN_INTENT or sentiment_score(text) <= STRONGLY_NEGATIVE:
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


async def acknowledge_or_hand_off(dispatcher: Dispatcher, tracker: Tracker) -> Events:
    """The first time: apologise and offer a ticket or a person. Upset again after that offer
    (the complaint slot holds the earlier words): a person takes over, no second offer."""
    if not tracker.get_slot(slots.COMPLAINT):
        return acknowledge(dispatcher, tracker)
    await perform_handoff(dispatcher, tracker, f"{UPSET_REASON}: upset again after an apology")
    return [SlotSet(slots.COMPLAINT, complaint_text(tracker) or latest_text(tracker))]


class ActionAcknowledgeFeelings(KefuAction):
    """Runs for `complain` (rules_feelings.yml) and for upset messages NLU could not place."""

    action_name = "action_acknowledge_feelings"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        return await acknowledge_or_hand_off(dispatcher, tracker)
