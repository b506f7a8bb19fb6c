"""A customer who asks for another language ("Can you speak English?", "auf Deutsch bitte",
"可以说中文吗") is answered in it, and the conversation goes on in it.

Each message's language is detected on its own (bot/language_detector.py), so asking in the
language one wants already works; asking in one language for another ("Sprechen Sie Englisch?")
needs the language named in the message.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import localized
from actions.base import Dispatcher, Events, KefuAction
from actions.conversation import latest_text

# Each language by its names in the three languages.
_NAMES = {
    "en": r"\benglish\b|\benglisch\b|\ben\b|英语|英文",
    "de": r"\bgerman\b|\bdeutsch\b|\bde\b|德语|德文",
    "zh": r"\bchinese\b|\bmandarin\b|\bchinesisch\b|\bzh\b|中文|汉语|普通话|华语",
}
_NAMED = {code: re.compile(pattern, re.IGNORECASE) for code, pattern in _NAMES.items()}


def requested_language(text: str) -> str | None:
    """The one language `text` names, or None when it names none or several."""
    named = [code for code, pattern in _NAMED.items() if pattern.search(text)]
    return named[0] if len(named) == 1 else None


class ActionSwitchLanguage(KefuAction):
    """Runs for `switch_language` (rules.yml): says so in the language asked for, and keeps it."""

    action_name = "action_switch_language"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        language = requested_language(latest_text(tracker))
        if language is None:  # "what languages do you speak?"
            current = localized.language_of(tracker)
            dispatcher.utter_message(text=localized.text("languages_offered", current))
            return []
        # Composed here, not a domain response: those are chosen by the slot as it was before.
        # Inside a form its question comes next (rules.yml), so "what can I do for you?" not.
        in_form = (tracker.active_loop or {}).get("name") is not None
        reply = "language_switched_in_form" if in_form else "language_switched"
        dispatcher.utter_message(text=localized.text(reply, language))
        return [SlotSet(localized.LANGUAGE_SLOT, language)]
