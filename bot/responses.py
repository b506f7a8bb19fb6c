"""Rasa's responses with the shop's configured values filled in.

The FAQ's answer to "when are you open?" names `{opening_hours}`: the hours configured with
KEFU_OPENING_HOURS and KEFU_OPENING_TIMEZONE, which the launcher renders in each language into
KEFU_OPENING_HOURS_TEXT (kefu/environments.py), so the FAQ says what the handoff says. A value an
action passes itself wins. Set in endpoints.yml as `nlg: type: bot.responses.KefuResponses`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

HOURS_VARIABLE = "KEFU_OPENING_HOURS_TEXT"
# Without the configured hours (a server started by hand), the answer still reads as a sentence.
_UNKNOWN_HOURS = {
    "en": "during our service hours",
    "de": "zu unseren Servicezeiten",
    "zh": "在服务时间内",
}


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
        return await super().generate(
            utter_action, tracker, output_channel, **{"opening_hours": hours, **kwargs}
        )
