"""What a customer's answer to a form's question says besides its value: a "no" that ends the
form, or only "ok thanks" / "ja" / "对" where the form needs words of their own."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions import slots
from actions.base import Dispatcher
from actions.carry import reason_in
from actions.conversation import latest_intent, latest_text
from actions.extraction import guess_ticket_category, is_decline, requested_slot, word_count

# What NLU calls a message that acknowledges a question rather than answers it ("ok thanks",
# "ja", "对"), and how many words such a message has at most ("thank you very much").
ACKNOWLEDGEMENT_INTENTS = frozenset(
    {
        slots.INTENT_AFFIRM,
        slots.INTENT_DENY,
        slots.INTENT_THANKS,
        slots.INTENT_GREET,
        slots.INTENT_GOODBYE,
    }
)
ACKNOWLEDGEMENT_WORDS = 4


def declined(dispatcher: Dispatcher, tracker: Tracker, slot: str) -> dict[str, Any] | None:
    """The form's end when the customer answers its question for `slot` with a "no" ("Which
    order?" - "no, nothing"): not a mistyped value to ask for again."""
    if requested_slot(tracker) != slot or not is_decline(tracker):
        return None
    dispatcher.utter_message(response="utter_flow_stopped")
    return {slot: None, slots.FLOW_ABORTED: True}


def is_acknowledgement(tracker: Tracker) -> bool:
    """The latest message only says yes, no, thanks, hello or bye: NLU reads it so, it is short,
    and it names neither a reason nor a ticket topic ("ja, passt nicht" is `affirm`, a reason)."""
    text = latest_text(tracker)
    return (
        latest_intent(tracker) in ACKNOWLEDGEMENT_INTENTS
        and word_count(text) <= ACKNOWLEDGEMENT_WORDS
        and reason_in(text) is None
        and guess_ticket_category(text) is None
    )


def acknowledged_only(dispatcher: Dispatcher, tracker: Tracker, slot: str) -> bool:
    """Whether the question for `slot`, answered in the customer's own words, got only "ok
    thanks" or "ja"; then the customer is told what kind of answer it needs (utter_explain_<slot>),
    and the form asks again."""
    if requested_slot(tracker) != slot or not is_acknowledgement(tracker):
        return False
    dispatcher.utter_message(response=f"utter_explain_{slot}")
    return True
