"""The domain's responses with the configured opening hours: the FAQ's answer names the hours
the launcher rendered (KEFU_OPENING_HOURS_TEXT), in the conversation's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import class_from_module_path
from rasa.utils.endpoints import EndpointConfig

from bot.responses import FAQ_ANSWERED, HOURS_VARIABLE, KefuResponses

REPO = Path(__file__).resolve().parents[2]
DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  language:
    type: categorical
    values: [en, de, zh]
    influence_conversation: false
    mappings: [{type: custom}]
responses:
  utter_faq/opening_hours:
    - condition: [{type: slot, name: language, value: de}]
      text: "Wir sind {opening_hours} da."
    - text: "We're there {opening_hours}."
  utter_handoff:
    - text: "We're here {opening_hours}."
  utter_faq/warranty:
    - text: "Two years of warranty."
  utter_faq/shipping:
    - text: "Two to four working days."
  utter_greet:
    - text: "Hi!"
  utter_out_of_scope:
    - text: "Out of scope."
"""
)
HOURS = {"en": "Tue–Thu 09:30–17:00 (UTC time)", "de": "Di–Do 09:30–17:00 (Zeitzone UTC)"}


def _tracker(language: str | None) -> DialogueStateTracker:
    tracker = DialogueStateTracker("someone", DOMAIN.slots)
    if language is not None:
        tracker.update(SlotSet("language", language))
    return tracker


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.production.yml"])
def test_both_profiles_use_it(endpoints: str) -> None:
    config = yaml.safe_load((REPO / endpoints).read_text())["nlg"]
    assert class_from_module_path(config["type"]) is KefuResponses
    created = NaturalLanguageGenerator.create(EndpointConfig(type=config["type"]), DOMAIN)
    assert isinstance(created, KefuResponses)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Wir sind Di–Do 09:30–17:00 (Zeitzone UTC) da."),
        ("en", "We're there Tue–Thu 09:30–17:00 (UTC time)."),
        # A language the hours are not given in reads the English ones.
        ("zh", "We're there Tue–Thu 09:30–17:00 (UTC time)."),
        (None, "We're there Tue–Thu 09:30–17:00 (UTC time)."),
    ],
)
async def test_the_configured_hours_in_the_conversations_language(
    language: str | None, expected: str
) -> None:
    responses = KefuResponses(domain=DOMAIN, environ={HOURS_VARIABLE: json.dumps(HOURS)})
    said = await responses.generate("utter_faq/opening_hours", _tracker(language), "rest")
    assert said is not None and said["text"] == expected


async def test_a_value_the_action_passes_wins() -> None:
    responses = KefuResponses(domain=DOMAIN, environ={HOURS_VARIABLE: json.dumps(HOURS)})
    said = await responses.generate("utter_handoff", _tracker("en"), "rest", opening_hours="now")
    assert said is not None and said["text"] == "We're here now."


@pytest.mark.parametrize("value", ["", "not json", '["a list"]', '{"en": 5}'])
async def test_without_readable_hours_the_answer_still_reads(value: str) -> None:
    responses = KefuResponses(domain=DOMAIN, environ={HOURS_VARIABLE: value})
    said = await responses.generate("utter_faq/opening_hours", _tracker("de"), "rest")
    assert said is not None and said["text"] == "Wir sind zu unseren Servicezeiten da."


def _follow_up(
    text: str, confidence: float, answered_before: str = "utter_faq/warranty"
) -> DialogueStateTracker:
    """The customer asked something, the bot answered with `answered_before`; now `text`, whose
    FAQ answer the response selector picked (shipping) with `confidence`."""
    tracker = _tracker("en")
    tracker.update(UserUttered("is there a warranty?", {"name": "faq", "confidence": 1.0}))
    tracker.update(BotUttered("…", metadata={"utter_action": answered_before}))
    selected = {"response": {"utter_action": "utter_faq/shipping", "confidence": confidence}}
    tracker.update(
        UserUttered(
            text, {"name": "faq", "confidence": 1.0}, [], {"response_selector": {"faq": selected}}
        )
    )
    return tracker


@pytest.mark.parametrize(
    ("text", "confidence", "answered_before", "expected"),
    [
        ("多久", 0.54, "utter_faq/warranty", "Two years of warranty."),
        ("how long?", 0.5, "utter_faq/warranty", "Two years of warranty."),
        # Sure of its topic, long enough to have one, or after something else than an FAQ.
        ("how long?", 0.97, "utter_faq/warranty", "Two to four working days."),
        ("and how long does delivery take to Austria", 0.5, "utter_faq/warranty",
         "Two to four working days."),
        ("how long?", 0.5, "utter_greet", "Two to four working days."),
        # Opens like a follow-up: a little longer still keeps the topic.
        ("and on laptops, too?", 0.52, "utter_faq/warranty", "Two years of warranty."),
        ("那笔记本电脑呢？", 0.52, "utter_faq/warranty", "Two years of warranty."),
        # Points back at the answer: the topic stays, however sure the selector is.
        ("und wie lange dauert das?", 0.99, "utter_faq/warranty", "Two years of warranty."),
        ("is it free?", 0.97, "utter_faq/warranty", "Two years of warranty."),
    ],
)  # fmt: skip
async def test_a_short_follow_up_to_an_faq_answer_keeps_its_topic(
    text: str, confidence: float, answered_before: str, expected: str
) -> None:
    tracker = _follow_up(text, confidence, answered_before)
    message = await KefuResponses(domain=DOMAIN, environ={}).generate(
        "utter_faq/shipping", tracker, "rest"
    )
    assert message is not None and message["text"] == expected


async def test_the_topic_kept_is_recorded_for_the_next_follow_up() -> None:
    """Rasa records the selector's pick as `utter_action`; the topic answered is recorded too,
    and the next follow-up reads it."""
    tracker = _follow_up("and on laptops?", 0.52)
    responses = KefuResponses(domain=DOMAIN, environ={})
    message = await responses.generate("utter_faq/shipping", tracker, "rest")
    assert message is not None and message[FAQ_ANSWERED] == "utter_faq/warranty"
    tracker.update(
        BotUttered(
            "…",
            metadata={"utter_action": "utter_faq/shipping", **{FAQ_ANSWERED: "utter_faq/warranty"}},
        )
    )
    selected = {"response": {"utter_action": "utter_faq/shipping", "confidence": 0.5}}
    tracker.update(
        UserUttered(
            "furniture?",
            {"name": "faq", "confidence": 1.0},
            [],
            {"response_selector": {"faq": selected}},
        )
    )
    again = await responses.generate("utter_faq/shipping", tracker, "rest")
    assert again is not None and again["text"] == "Two years of warranty."


async def test_an_opened_follow_up_read_as_out_of_scope_keeps_the_topic() -> None:
    responses = KefuResponses(domain=DOMAIN, environ={})
    message = await responses.generate("utter_out_of_scope", _follow_up("家具呢", 0.5), "rest")
    assert message is not None and message["text"] == "Two years of warranty."
    plain = await responses.generate(
        "utter_out_of_scope", _follow_up("book me a flight to Rome", 0.5), "rest"
    )
    assert plain is not None and plain["text"] == "Out of scope."


async def test_other_responses_record_no_faq_answer() -> None:
    message = await KefuResponses(domain=DOMAIN, environ={}).generate(
        "utter_faq/shipping", _tracker("en"), "rest"
    )
    assert message is not None and FAQ_ANSWERED in message  # an FAQ answer records itself
    greet = await KefuResponses(domain=DOMAIN, environ={}).generate(
        "utter_greet", _tracker("en"), "rest"
    )
    assert greet is not None and FAQ_ANSWERED not in greet
