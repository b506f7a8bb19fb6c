"""What a customer message may carry into Rasa: readable text of a sane length, no internal
commands, and only the metadata Kefu knows.

Everything here runs before NLU. A message that fails a check is replaced by a guard intent
with its parse data already set (`message_too_long`, `empty_message`, `unreadable_message`,
`refused_command`, `other_language`), so NLU never sees it and the bot answers with a clear
reply; the event keeps a short, safe preview and why in its metadata (`kefu_guard`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.language import detect, in_another_language

PREVIEW_CHARS = 200
# How much of a refused message is read for its language: enough to tell, bounded in cost.
LANGUAGE_SAMPLE_CHARS = 2000
TOO_LONG_INTENT = "message_too_long"
EMPTY_INTENT = "empty_message"
UNREADABLE_INTENT = "unreadable_message"
REFUSED_COMMAND_INTENT = "refused_command"
# French, Spanish, Italian, Portuguese: told which languages the bot speaks (bot/language.py),
# not guessed at as English.
OTHER_LANGUAGE_INTENT = "other_language"
# actions/slots.py keeps the same set (the two environments share no code): a form takes none of
# them as an answer.
GUARD_INTENTS = frozenset(
    {
        TOO_LONG_INTENT,
        EMPTY_INTENT,
        UNREADABLE_INTENT,
        REFUSED_COMMAND_INTENT,
        OTHER_LANGUAGE_INTENT,
    }
)
# Commands only Rasa or Kefu may give: typed by a customer they would reset the conversation
# (and with it, before the CRM counted failures, the identification tries) or fake a guard verdict.
INTERNAL_INTENTS = frozenset({"restart", "session_start", "back", "nlu_fallback"}) | GUARD_INTENTS

# Metadata a client may send, and how much of it; everything else is dropped. The keys Kefu
# itself adds are never taken from a client: kefu_guard (the guard's verdict) and kefu_client,
# the one-way key of who sent the message, which the channel reads from the request (the peer
# or, behind trusted proxies, X-Forwarded-For: bot/client_address.py; the platform user on
# Telegram, Slack and Messenger) and the guard sets, whatever the message's metadata said. The
# identification form counts wrong facts per client with it (CLIENT_LIMIT in the CRM).
CLIENT_METADATA_KEYS = frozenset({"language"})
MAX_METADATA_BYTES = 4096
GUARD_KEY = "kefu_guard"
CLIENT_KEY = "kefu_client"

# C0 control characters other than tab, newline and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_COMMAND = re.compile(r"^/(?P<intent>[^{@\s]+)(?P<rest>.*)$", re.DOTALL)


@dataclass(frozen=True)
class GuardLimits:
    """The guard's limits, as the channel's entry in credentials.yml gives them."""

    max_message_chars: int
    reply_timeout_seconds: float

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any] | None) -> GuardLimits:
        """Read and check the limits; a missing or bad one stops the Rasa server at start-up."""
        given = dict(credentials or {})
        try:
            limits = cls(
                max_message_chars=int(given["max_message_chars"]),
                reply_timeout_seconds=float(given["reply_timeout_seconds"]),
            )
        except KeyError as missing:
            raise ValueError(
                f"The guarded channel needs {missing.args[0]} in credentials.yml "
                "(the launcher sets it from KEFU_* settings)."
            ) from None
        except (TypeError, ValueError) as error:
            raise ValueError(f"The guarded channel's limits in credentials.yml: {error}") from None
        if limits.max_message_chars < 1 or not limits.reply_timeout_seconds > 0:
            raise ValueError("The guarded channel's limits must be positive.")
        return limits


def readable(text: str) -> bool:
    """Whether `text` is valid Unicode (no lone surrogates), so every store can keep it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def safe_text(text: str) -> str:
    """`text` with what cannot be stored replaced (lone surrogates) and controls removed."""
    return CONTROL_CHARACTERS.sub("", text.encode("utf-8", "replace").decode("utf-8"))


def refused_command(text: str, known_intents: Collection[str] | None) -> bool:
    """Whether `text` is a `/intent{...}` command a customer may not give.

    Buttons send commands such as `/affirm` and `/inform{"rating":5}`; internal intents, intents
    the domain does not know, and entities that are not a JSON object of plain, printable
    values are refused.
    """
    match = _COMMAND.match(text.strip())
    if match is None:
        return False
    intent = match["intent"]
    if intent in INTERNAL_INTENTS or (known_intents is not None and intent not in known_intents):
        return True
    rest = match["rest"].strip()
    if not rest:
        return False
    try:
        entities = json.loads(rest)
    except ValueError:
        return True
    return not isinstance(entities, dict) or not all(
        isinstance(value, (int, float, bool))
        or (isinstance(value, str) and not CONTROL_CHARACTERS.search(value))
        for value in entities.values()
    )


def _verdict(text: str, limits: GuardLimits, known_intents: Collection[str] | None) -> str | None:
    """The guard intent `text` gets, or None when it may go to NLU."""
    if not readable(text):
        return UNREADABLE_INTENT
    if len(text) > limits.max_message_chars:
        return TOO_LONG_INTENT
    if not text.strip():
        return EMPTY_INTENT
    if refused_command(text, known_intents):
        return REFUSED_COMMAND_INTENT
    if in_another_language(text):
        return OTHER_LANGUAGE_INTENT
    return None


def screen(
    message: UserMessage,
    limits: GuardLimits,
    known_intents: Collection[str] | None = None,
    client: str | None = None,
) -> None:
    """Clean the message's text and metadata and set its `client` key (the channel's, from the
    request); a message that may not reach NLU gets a guard intent instead, in place."""
    original = message.text if isinstance(message.text, str) else ""
    text = CONTROL_CHARACTERS.sub("", original)
    metadata = client_metadata(message.metadata)
    if client:
        metadata[CLIENT_KEY] = client
    intent = _verdict(text, limits, known_intents)
    if intent is None:
        message.text, message.metadata = text, metadata
        return
    safe = safe_text(text)
    preview = safe[:PREVIEW_CHARS] + ("…" if len(safe) > PREVIEW_CHARS else "")
    message.text = preview
    message.parse_data = {
        "text": preview,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": _language_entity(safe[:LANGUAGE_SAMPLE_CHARS]),
    }
    metadata[GUARD_KEY] = {
        "reason": intent,
        "length": len(original),
        "limit": limits.max_message_chars,
    }
    message.metadata = metadata


def _language_entity(text: str) -> list[dict[str, Any]]:
    """The `language` entity NLU would have added (bot/language_detector.py): the guard's reply
    to an over-long German message is then German too."""
    language = detect(text)
    if language is None:
        return []
    return [{"entity": "language", "value": language, "start": 0, "end": len(text)}]


def client_metadata(given: Any) -> dict[str, Any]:
    """The client's metadata Kefu knows: short printable strings under known keys only."""
    if not isinstance(given, Mapping):
        return {}
    kept = {
        key: value
        for key, value in given.items()
        if key in CLIENT_METADATA_KEYS
        and isinstance(value, str)
        and readable(value)
        and not CONTROL_CHARACTERS.search(value)
    }
    if len(json.dumps(kept).encode()) > MAX_METADATA_BYTES:
        return {}
    return kept


# The secret that keys client_key (kefu/environments.py sets it for every Rasa server).
CLIENT_KEY_SECRET_VARIABLE = "KEFU_CHAT_SECRET"


def client_key(address: str | None) -> str | None:
    """The client's network address as a short one-way key (counted, never shown).

    Keyed with the deployment's chat secret, which every Rasa server of one deployment shares:
    a plain hash of an IPv4 address could be reversed by trying all 2^32 of them.
    """
    if not address:
        return None
    secret = os.environ.get(CLIENT_KEY_SECRET_VARIABLE, "").encode()
    digest = hmac.new(secret, address.encode("utf-8", "replace"), hashlib.sha256)
    return digest.hexdigest()[:32]
