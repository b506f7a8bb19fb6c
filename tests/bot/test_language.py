"""The language of each message, and the language-free entities between Chinese characters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.language import detect, language_free_entities
from bot.language_detector import LanguageDetector


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # A mistyped email names no language ("neu" is a German word).
        ("anna.neu@gmail,com", None),
        ("my new one is anna.neu@gmail,com", "en"),
        ("你好，我的订单 KF-500002 到哪里了？", "zh"),
        ("订单KF-500002到哪了", "zh"),
        ("Hallo, wo ist meine Bestellung KF-500002?", "de"),
        ("Ich möchte meine Bestellung stornieren", "de"),
        ("Die Lampe ist kaputt", "de"),
        # One German shop word and an order number: German, not the English default.
        ("storno KF-502994", "de"),
        ("Retoure KF-500004", "de"),
        ("Hai not recieved my product", "en"),
        ("where is my order", "en"),
        ("Customer care", "en"),
        ("10115", None),
        ("anna.schmidt@example.com", None),
        # An address's letters are no language: "ae" in one read as a spelled umlaut.
        ("walker3.aed1c2@example.com", None),
        ("ben.new@example.org", None),
        ("meine E-Mail ist ben.new@example.org", "de"),
        ("my email is anna.schmidt@example.com", "en"),
        ("ok", None),
        # A postal address alone is in the country's language, not the customer's.
        ("Lindenstraße 3, 80331 München", None),
        ("Am Markt 7 / 2, 04109 Leipzig", None),
        ("Ich wohne jetzt in der Lindenstraße 3, 80331 München", "de"),
        ("my new address is Lindenstraße 3, 80331 München", "en"),
    ],
)
def test_detect(text: str, language: str | None) -> None:
    assert detect(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "Magst du Regen?",  # du-forms: small talk often has no other German word
        "Was kannst du?",
        "Welche Farbe gibt es",
        "Lieferadresse aendern",  # umlaut typed as ae/oe/ue
        "tschuess",
        "Artikel reklamieren",  # -ieren infinitive
    ],
)
def test_detect_german_by_pronoun_verb_form_and_spelled_umlaut(text: str) -> None:
    assert detect(text) == "de"


@pytest.mark.parametrize(
    "text",
    ["it doesnt work", "I have a question", "submit a support request", "I guess so"],
)
def test_english_words_with_ue_or_oe_stay_english(text: str) -> None:
    assert detect(text) == "en"


def test_language_free_entities_between_chinese_characters() -> None:
    found = language_free_entities("我的邮箱是anna.schmidt@example.com，邮编10115，订单KF-500002")
    assert [(f.entity, f.value) for f in found] == [
        ("email", "anna.schmidt@example.com"),
        ("postcode", "10115"),
        ("order_number", "KF-500002"),
    ]


def test_only_glued_leaves_spaced_values_to_the_regex_extractor() -> None:
    found = language_free_entities("订单 KF-500002 和订单KF-500003", only_glued=True)
    assert [f.value for f in found] == ["KF-500003"]


def test_the_component_adds_the_language_and_the_glued_entities() -> None:
    messages = [
        Message(data={"text": "订单KF-500002到哪了"}),
        Message(data={"text": "Wo ist meine Bestellung?"}),
        Message(data={"text": "10115"}),
        Message(data={"text": '/inform{"rating":5}'}),
    ]
    LanguageDetector().process(messages)
    first = {(e["entity"], e["value"]) for e in messages[0].get("entities")}
    assert first == {("language", "zh"), ("order_number", "KF-500002")}
    assert [e["value"] for e in messages[1].get("entities")] == ["de"]
    assert not messages[2].get("entities")
    assert not messages[3].get("entities")


def _nlu_regex(name: str) -> re.Pattern[str]:
    """The `regex:` of data/nlu.yml that Rasa's RegexEntityExtractor applies as it is."""
    data = yaml.safe_load((Path(__file__).parents[2] / "data" / "nlu.yml").read_text())
    entry = next(item for item in data["nlu"] if item.get("regex") == name)
    return re.compile(entry["examples"].strip().removeprefix("- "), re.IGNORECASE)


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("改成+44 20 7946 0999", ["+44 20 7946 0999"]),  # glued: the detector finds it
        ("my new number is +44 20 7946 0958.", ["+44 20 7946 0958"]),
        ("ruf mich an: 0049 151 2345 6789", ["0049 151 2345 6789"]),
        ("my number is 0151 2345678", ["0151 2345678"]),
    ],
)
def test_no_phone_is_found_inside_a_longer_number(text: str, phones: list[str]) -> None:
    by_rasa = [m.group(0) for m in _nlu_regex("phone").finditer(text)]
    glued = [f.value for f in language_free_entities(text, only_glued=True) if f.entity == "phone"]
    assert by_rasa + glued == phones
    assert [f.value for f in language_free_entities(text) if f.entity == "phone"] == phones
