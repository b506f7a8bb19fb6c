"""The bot's responses (domain.yml, data/responses.yml) in every language the bot answers in.

A German or Chinese customer must never get an English response: each response has a variation
for `language: de` and one for `language: zh` (Rasa 3.6 conditional response variations on the
slot bot/language_detector.py fills), with the same placeholders and button payloads as the
English one, so a translation cannot drop a value or a choice.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent
RESPONSE_FILES = (REPO / "domain.yml", REPO / "data" / "responses.yml")
TRANSLATED = ("de", "zh")
# Responses that may stay English only, each with the reason. None today: add one only with a
# reason a reviewer would accept (e.g. a response only ever sent to agents).
ENGLISH_ONLY: dict[str, str] = {}
_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")


def _responses() -> dict[str, list[dict[str, Any]]]:
    merged: dict[str, list[dict[str, Any]]] = {}
    for path in RESPONSE_FILES:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
        merged.update(data.get("responses") or {})
    return merged


RESPONSES = _responses()


def _language(variation: dict[str, Any]) -> str | None:
    for condition in variation.get("condition") or []:
        if condition.get("type") == "slot" and condition.get("name") == "language":
            return str(condition.get("value"))
    return None


def _variations(name: str) -> dict[str | None, list[dict[str, Any]]]:
    """The response's variations by language (None: the unconditioned, English default)."""
    by_language: dict[str | None, list[dict[str, Any]]] = {}
    for variation in RESPONSES[name]:
        by_language.setdefault(_language(variation), []).append(variation)
    return by_language


def _placeholders(variation: dict[str, Any]) -> set[str]:
    return set(_PLACEHOLDER.findall(str(variation.get("text") or "")))


def _payloads(variation: dict[str, Any]) -> list[str]:
    return [str(b["payload"]) for b in variation.get("buttons") or []]


def test_the_files_hold_many_responses() -> None:
    # A guard against the test passing on nothing (a renamed file, an emptied section).
    assert len(RESPONSES) > 50


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_has_a_german_and_a_chinese_variation(name: str) -> None:
    if name in ENGLISH_ONLY:
        pytest.skip(ENGLISH_ONLY[name])
    by_language = _variations(name)
    assert None in by_language, f"{name}: no unconditioned (English) variation"
    missing = [language for language in TRANSLATED if language not in by_language]
    assert not missing, f"{name}: add variations for {missing} (condition on the language slot)"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_translations_keep_the_placeholders_and_the_buttons(name: str) -> None:
    by_language = _variations(name)
    english = by_language.get(None, [])
    placeholders = set().union(*(_placeholders(v) for v in english))
    payloads = _payloads(english[0]) if english else []
    for language in TRANSLATED:
        for variation in by_language.get(language, []):
            assert _placeholders(variation) == placeholders, (name, language)
            assert _payloads(variation) == payloads, (name, language)
            if language == "zh":
                assert re.search(r"[\u4e00-\u9fff]", str(variation.get("text"))), name


def test_the_exceptions_are_real_responses() -> None:
    assert set(ENGLISH_ONLY) <= set(RESPONSES)
