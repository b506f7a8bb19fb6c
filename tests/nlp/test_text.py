"""Cleaning and tokenisation: caps, control characters, odd input types."""

from __future__ import annotations

from nlp.text import MAX_CHARS, clean, content_tokens, normalise, raw_tokens


def test_clean_caps_and_strips_controls() -> None:
    assert clean("a\x00b\x1b  c\u200b") == "a b c"
    assert len(clean("x" * 100_000)) == MAX_CHARS
    assert clean(None) == "" and clean(42) == ""  # type: ignore[arg-type]


def test_normalise_merges_plurals_only() -> None:
    assert normalise("Orders") == "order"
    assert normalise("deliveries") == "delivery"
    assert normalise("address") == "address"
    assert normalise("n't") == "not"


def test_content_tokens_drop_stop_words_and_numbers() -> None:
    toks = content_tokens("Hello, where are my 2 parcels? https://x.example/track")
    assert toks == ["parcel"]


def test_raw_tokens_keep_emoji() -> None:
    assert "😡" in raw_tokens("so angry 😡")
