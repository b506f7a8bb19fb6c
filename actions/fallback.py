"""The clarifying fallback: the two likeliest requests, and a person after two misses in a row."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import localized, replies, slots
from actions.base import Dispatcher, Events, KefuAction
from actions.conversation import consecutive_fallbacks
from actions.feelings import acknowledge, is_upset

# Buttons offered besides "Something else".
OPTIONS_OFFERED = 2
# From this many unclear messages in a row on, the bot offers a person instead of guessing.
FALLBACKS_BEFORE_HUMAN = 2


def likely_requests(latest_message: dict[str, Any], limit: int = OPTIONS_OFFERED) -> list[str]:
    """The best-ranked intents the bot can act on, best first (greetings, "no", ... left out)."""
    ranking = latest_message.get("intent_ranking") or []
    ranked = sorted(ranking, key=lambda item: -float(item.get("confidence") or 0.0))
    names: list[str] = []
    for item in ranked:
        name = item.get("name")
        if name in replies.INTENT_LABELS and name not in names:
            names.append(name)
        if len(names) == limit:
            break
    return names


class ActionClarify(KefuAction):
    """Runs for nlu_fallback: asks what the customer meant, counting misses in fallback_count."""

    action_name = "action_clarify"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        if is_upset(tracker):
            # "Useless", "Waste of time": no request to guess, a feeling to answer.
            return acknowledge(dispatcher, tracker)
        # Counted from the tracker's own events, so a clear message in between resets it
        # without every other action having to touch the slot.
        misses = max(consecutive_fallbacks(tracker), 1)
        language = localized.language_of(tracker)
        if misses >= FALLBACKS_BEFORE_HUMAN:
            dispatcher.utter_message(
                text=replies.offer_human(language), buttons=replies.offer_human_buttons(language)
            )
        else:
            options = likely_requests(tracker.latest_message)
            dispatcher.utter_message(
                text=replies.clarify_question(bool(options), language),
                buttons=replies.clarify_buttons(options, language),
            )
        return [SlotSet(slots.FALLBACK_COUNT, float(misses))]
