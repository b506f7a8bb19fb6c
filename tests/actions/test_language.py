"""Asking for another language (actions/language.py)."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.language import ActionSwitchLanguage, requested_language
from tests.actions.support import make_tracker, run_action


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Can you speak English?", "en"),
        ("Sprechen Sie Englisch?", "en"),
        ("auf Deutsch bitte", "de"),
        ("可以说中文吗", "zh"),
        ("能用英语吗", "en"),
        ("do you speak chinese", "zh"),
        ("what languages do you speak", None),
        ("English or German, whatever", None),
    ],
)
def test_requested_language(text: str, language: str | None) -> None:
    assert requested_language(text) == language


async def test_asked_in_german_for_english_the_answer_is_english_and_stays() -> None:
    tracker = make_tracker("Sprechen Sie Englisch?", "switch_language", slots={"language": "de"})
    outcome = await run_action(ActionSwitchLanguage(), tracker)
    assert "continue in English" in outcome.texts
    assert SlotSet("language", "en") in outcome.events


async def test_no_language_named_lists_the_three() -> None:
    tracker = make_tracker(
        "welche Sprachen sprichst du", "switch_language", slots={"language": "de"}
    )
    outcome = await run_action(ActionSwitchLanguage(), tracker)
    assert "Englisch und Chinesisch" in outcome.texts
    assert outcome.events == []
