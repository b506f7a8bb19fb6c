"""Text cleaning and tokenisation shared by every model: length cap, control characters, tokens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

# Messages are capped so a 100,000-character paste costs the same as a long message.
MAX_CHARS = 5_000
# Whole conversations get more room: they are many messages joined.
MAX_DOC_CHARS = 20_000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACES = re.compile(r"\s+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_NUMBER = re.compile(r"^\d[\d.,:/-]*$")


def clean(text: Any, limit: int = MAX_CHARS) -> str:
    """Return `text` as a tidy string: NFKC, no control characters, collapsed spaces, capped.

    Anything that is not a string (None, numbers) becomes "" so callers never crash on it.
    """
    if not isinstance(text, str) or not text:
        return ""
    # Cut before normalising: NFKC on 100k characters is the expensive part.
    text = unicodedata.normalize("NFKC", text[: limit * 2])
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    return text[:limit]


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """spaCy's blank English tokenizer, built on first use (imports have no side effects)."""
    import spacy

    return spacy.blank("en").tokenizer


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words plus chat filler that carries no topic."""
    from spacy.lang.en.stop_words import STOP_WORDS

    extra = {"hi", "hello", "hey", "thanks", "thank", "ok", "okay", "yes", "yeah", "sure", "im"}
    extra |= {"like", "want", "need", "know", "help", "let", "able", "great", "good", "please"}
    return frozenset(STOP_WORDS | extra)


def normalise(word: str) -> str:
    """Rule-based lemma stand-in (no spaCy lookup tables offline): lower case, plural -s.

    Deliberately small: merges "orders"/"order" and "deliveries"/"delivery", leaves verbs be.
    """
    w = word.lower().replace("\u2019", "'")
    if w in {"n't", "nt"}:
        return "not"
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith("sses"):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "os")):
        return w[:-1]
    return w


def raw_tokens(text: str) -> list[str]:
    """Lower-cased spaCy tokens of already-cleaned text, punctuation and emoji kept."""
    if not text:
        return []
    return [t.text.lower() for t in _tokenizer()(text) if not t.is_space]


def content_tokens(text: str) -> list[str]:
    """Tokens for topics and similarity: alphabetic, normalised, no stop words, no numbers."""
    stops = stop_words()
    out: list[str] = []
    for tok in _tokenizer()(_URL.sub(" ", text)) if text else ():
        if not tok.is_alpha or len(tok.text) < 2:
            continue
        word = normalise(tok.text)
        if word in stops or len(word) < 2 or _NUMBER.match(word):
            continue
        out.append(word)
    return out


def content_tokens_many(texts: Iterable[str]) -> Iterator[list[str]]:
    """`content_tokens` over many texts (cleaned here), for training corpora."""
    for text in texts:
        yield content_tokens(clean(text, MAX_DOC_CHARS))
