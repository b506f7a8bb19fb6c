"""Rasa's responses with the shop's configured values filled in.

The FAQ's answer to "when are you open?" names `{opening_hours}`: the hours configured with
KEFU_OPENING_HOURS and KEFU_OPENING_TIMEZONE, which the launcher renders in each language into
KEFU_OPENING_HOURS_TEXT (kefu/environments.py), so the FAQ says what the handoff says. A value an
action passes itself wins.

A short follow-up to an FAQ answer, or one that opens like one ("and on laptops?"), that the
response selector cannot place ("多久" after the warranty, "how long?" after the returns policy)
asks about that answer: it gets the same topic's answer, not the guess (shipping, for "how
long"). Set in endpoints.yml as
`nlg: type: bot.responses.KefuResponses`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.follow_up import opens_a_follow_up, points_back
from bot.language import HAN

logger = logging.getLogger(__name__)

HOURS_VARIABLE = "KEFU_OPENING_HOURS_TEXT"
# Without the configured hours (a server started by hand), the answer still reads as a sentence.
_UNKNOWN_HOURS = {
    "en": "during our service hours",
    "de": "zu unseren Servicezeiten",
    "zh": "在服务时间内",
}


FAQ_ANSWER = "utter_faq/"
OUT_OF_SCOPE = "utter_out_of_scope"
# The bot message's metadata key for the FAQ answer it gave (actions/conversation.py reads it).
FAQ_ANSWERED = "faq_answered"
# A follow-up this short, whose answer the selector picks with less confidence than this, has no
# topic of its own ("wie lange?" reads as shipping at 0.89, "多久" at 0.54).
FOLLOW_UP_MAX_WORDS = 3
# ... or this short, when it opens like a follow-up ("and on laptops?", "那笔记本电脑呢？").
OPENED_FOLLOW_UP_MAX_WORDS = 6
SURE_OF_THE_TOPIC = 0.9


def _words(text: str) -> float:
    """Words in `text`; about two Chinese characters make a word."""
    return len(HAN.sub(" ", text).split()) + len(HAN.findall(text)) / 2


def follow_up_topic(utter_action: str, tracker: DialogueStateTracker) -> str:
    """The FAQ answer to give: the one answered just before when the latest message is a short
    follow-up, or opens like one, and the response selector is unsure of it, else
    `utter_action`; one that points back ("is it free?") keeps the topic however sure the
    selector is. A question that opens like a follow-up and reads as out of scope ("家具呢"
    after the warranty) follows up too."""
    message = tracker.latest_message
    text = (message.text or "") if message is not None else ""
    words = _words(text)
    opened = words <= OPENED_FOLLOW_UP_MAX_WORDS and opens_a_follow_up(text)
    if utter_action == OUT_OF_SCOPE:
        return (_answer_before(tracker) or utter_action) if opened else utter_action
    if not utter_action.startswith(FAQ_ANSWER) or message is None:
        return utter_action
    if not (words <= FOLLOW_UP_MAX_WORDS or opened):
        return utter_action
    if points_back(text):
        # "und wie lange dauert das?" after the shipping times: "das" is the shipping, however
        # sure the selector is of the refunds ("Wie lange dauert eine Erstattung?").
        return _answer_before(tracker) or utter_action
    selected = (message.parse_data.get("response_selector") or {}).get("faq") or {}
    confidence = (selected.get("response") or {}).get("confidence")
    if not isinstance(confidence, (int, float)) or confidence >= SURE_OF_THE_TOPIC:
        return utter_action
    return _answer_before(tracker) or utter_action


def _answer_before(tracker: DialogueStateTracker) -> str | None:
    """The FAQ answer the bot gave to the customer's message before the latest one, if that
    was its last reply."""
    seen_latest = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_latest:
                return None
            seen_latest = True
        elif isinstance(event, BotUttered) and seen_latest:
            metadata = event.metadata or {}
            answered = metadata.get(FAQ_ANSWERED) or metadata.get("utter_action")
            return (
                answered if isinstance(answered, str) and answered.startswith(FAQ_ANSWER) else None
            )
    return None


def opening_hours_by_language(environ: Mapping[str, str]) -> dict[str, str]:
    """The configured hours in each language, or the phrase that stands in for them."""
    raw = environ.get(HOURS_VARIABLE, "")
    try:
        texts = json.loads(raw) if raw else None
    except ValueError:
        texts = None
    if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
        logger.warning("%s is not a JSON object of texts: the hours are left out", HOURS_VARIABLE)
        return dict(_UNKNOWN_HOURS)
    # A language without its own text reads the English hours rather than none.
    english = texts.get("en")
    return {
        language: texts.get(language) or english or unknown
        for language, unknown in _UNKNOWN_HOURS.items()
    }


class KefuResponses(TemplatedNaturalLanguageGenerator):
    """The domain's responses, with `{opening_hours}` in the conversation's language."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        domain: Domain | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(domain.responses if domain is not None else {})
        self.opening_hours = opening_hours_by_language(os.environ if environ is None else environ)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        language = tracker.get_slot("language")
        hours = self.opening_hours.get(str(language), self.opening_hours["en"])
        answer = follow_up_topic(utter_action, tracker)
        message = await super().generate(
            answer, tracker, output_channel, **{"opening_hours": hours, **kwargs}
        )
        if message is not None and answer.startswith(FAQ_ANSWER):
            # Rasa records the selector's pick as `utter_action`; the next follow-up needs the
            # topic answered (the message's other keys become the bot event's metadata).
            message[FAQ_ANSWERED] = answer
        return message
