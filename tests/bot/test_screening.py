"""Screening: what a customer message may carry into Rasa, and what it becomes otherwise."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.screening import (
    CLIENT_KEY_SECRET_VARIABLE,
    EMPTY_INTENT,
    GUARD_INTENTS,
    OTHER_LANGUAGE_INTENT,
    PREVIEW_CHARS,
    REFUSED_COMMAND_INTENT,
    TOO_LONG_INTENT,
    UNREADABLE_INTENT,
    GuardLimits,
    client_key,
    client_metadata,
    readable,
    refused_command,
    screen,
)

LIMITS = GuardLimits(max_message_chars=50, reply_timeout_seconds=0.3)
DOMAIN_INTENTS = {"affirm", "deny", "inform", "human_handoff", "order_status", "restart"}


def message(text: Any, metadata: dict[str, Any] | None = None) -> UserMessage:
    return UserMessage(text, CollectingOutputChannel(), "guard-test", metadata=metadata)


def test_a_normal_message_passes_with_its_control_characters_removed() -> None:
    incoming = message("where\x00 is my\x07\norder?")
    screen(incoming, LIMITS)
    assert incoming.text == "where is my\norder?"
    assert incoming.parse_data is None
    assert not (incoming.metadata or {}).get("kefu_guard")


def test_an_over_long_message_becomes_the_guard_intent_with_a_preview() -> None:
    incoming = message("x" * 500, metadata={"language": "de"})
    screen(incoming, LIMITS)
    assert incoming.parse_data is not None
    assert incoming.parse_data["intent"] == {"name": TOO_LONG_INTENT, "confidence": 1.0}
    assert incoming.text == "x" * PREVIEW_CHARS + "…"
    assert incoming.metadata == {
        "language": "de",
        "kefu_guard": {"reason": TOO_LONG_INTENT, "length": 500, "limit": 50},
    }


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bitte helfen Sie mir, meine Bestellung ist nicht angekommen " * 5, "de"),
        ("我的订单到现在还没有到，请帮我查一下" * 5, "zh"),
        ("where is my parcel, it has not arrived yet " * 5, "en"),
        ("x" * 500, None),
    ],
)
def test_a_refused_message_keeps_its_language_for_the_reply(text: str, language: str) -> None:
    """The guard's intent skips NLU, so it adds the `language` entity NLU would have added."""
    incoming = message(text)
    screen(incoming, LIMITS)
    assert incoming.parse_data is not None
    found = [e["value"] for e in incoming.parse_data["entities"] if e["entity"] == "language"]
    assert found == ([language] if language else [])


@pytest.mark.parametrize("blank", ["", "   ", "\x00\x01", None])
def test_an_empty_message_becomes_the_empty_intent(blank: Any) -> None:
    incoming = message(blank)
    screen(incoming, LIMITS)
    assert incoming.parse_data is not None
    assert incoming.parse_data["intent"]["name"] == EMPTY_INTENT


def test_limits_come_from_the_channel_credentials() -> None:
    limits = GuardLimits.from_credentials(
        {"max_message_chars": "1000", "reply_timeout_seconds": "2.8"}
    )
    assert limits == GuardLimits(1000, 2.8)


@pytest.mark.parametrize(
    ("credentials", "complaint"),
    [
        (None, "max_message_chars"),
        ({"max_message_chars": "10"}, "reply_timeout_seconds"),
        ({"max_message_chars": "many", "reply_timeout_seconds": "1"}, "limits"),
        ({"max_message_chars": "0", "reply_timeout_seconds": "1"}, "positive"),
        ({"max_message_chars": "10", "reply_timeout_seconds": "-1"}, "positive"),
    ],
)
def test_missing_or_bad_limits_stop_the_channel(
    credentials: dict[str, str] | None, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        GuardLimits.from_credentials(credentials)


def test_a_lone_surrogate_becomes_the_unreadable_intent_with_a_safe_preview() -> None:
    incoming = message("where is \ud800 my order")
    screen(incoming, LIMITS)
    assert incoming.parse_data is not None
    assert incoming.parse_data["intent"]["name"] == UNREADABLE_INTENT
    assert readable(incoming.text)  # the preview can be stored anywhere
    assert incoming.metadata["kefu_guard"]["reason"] == UNREADABLE_INTENT


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("/affirm", False),
        ('/inform{"rating":5}', False),
        ("/order_status", False),
        ("/restart", True),
        ("/session_start", True),
        ("/back", True),
        ("/message_too_long", True),
        ("/no_such_intent", True),
        ('/inform{"rating":"5\u0007"}', True),
        ("/inform{not json", True),
        ('/inform["a list"]', True),
        ("where is my order", False),
    ],
)
def test_internal_and_unknown_commands_are_refused(text: str, refused: bool) -> None:
    assert refused_command(text, DOMAIN_INTENTS) is refused


def test_a_refused_command_never_reaches_nlu() -> None:
    incoming = message("/restart")
    screen(incoming, LIMITS, DOMAIN_INTENTS)
    assert incoming.parse_data is not None
    assert incoming.parse_data["intent"]["name"] == REFUSED_COMMAND_INTENT


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("Bonjour, où est ma commande?", True),
        ("Hola, ¿dónde está mi pedido?", True),
        ("Ciao, dov'è il mio ordine?", True),
        ("Olá, onde está a minha encomenda?", True),
        ("Bonjour", True),
        ("Bonjour, je voudrais parler à quelqu'un", True),
        ("Necesito hablar con alguien", True),
        # Kefu's languages, and greetings its customers use too
        ("where is my order", False),
        ("wo ist meine Bestellung", False),
        ("ciao ciao", False),
        ("Merci vielmals", False),
        ("I ordered la chaise longue", False),
        # a value NLU can still take
        ("Je suis Chloé, mon email est chloe.martin@example.com", False),
        ("annuler KF-500001", False),
    ],
)
def test_a_message_in_a_language_kefu_does_not_speak_never_reaches_nlu(
    text: str, other: bool
) -> None:
    incoming = message(text)
    screen(incoming, GuardLimits(max_message_chars=1000, reply_timeout_seconds=0.3), DOMAIN_INTENTS)
    verdict = (incoming.parse_data or {}).get("intent", {}).get("name")
    assert verdict == (OTHER_LANGUAGE_INTENT if other else None)


def test_only_known_short_metadata_passes_and_kefu_keys_cannot_be_faked() -> None:
    given = {
        "language": "zh",
        "kefu_guard": {"reason": "fake"},
        "kefu_client": "someone-else",
        "anything": "x" * 10_000,
    }
    assert client_metadata(given) == {"language": "zh"}
    assert client_metadata({"language": "x" * 5000}) == {}
    assert client_metadata({"language": "de\x00"}) == {}
    assert client_metadata("not a dict") == {}


def test_the_client_key_is_keyed_with_the_deployments_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(CLIENT_KEY_SECRET_VARIABLE, "one deployment")
    first = client_key("203.0.113.7")
    assert first == client_key("203.0.113.7") != client_key("203.0.113.8")
    assert first != hashlib.sha256(b"203.0.113.7").hexdigest()[:32]  # not reversible by trying
    monkeypatch.setenv(CLIENT_KEY_SECRET_VARIABLE, "another deployment")
    assert client_key("203.0.113.7") != first
    assert client_key(None) is None and client_key("") is None


def test_the_forms_know_every_guard_intent() -> None:
    """The action server's forms take no guard intent as an answer: they keep their own copy of
    the set (the two environments share no code), which must be this one."""
    from actions.slots import GUARD_INTENTS as FORMS_GUARD_INTENTS

    assert FORMS_GUARD_INTENTS == GUARD_INTENTS
