"""German messages reach the English sentence encoder glossed in English; others unchanged."""

from __future__ import annotations

from bot.german_gloss import encoder_texts, gloss, glossary
from bot.svm_model import normalise


def test_a_german_message_is_glossed_word_by_word() -> None:
    assert gloss("wo ist mein paket") == "where is my parcel"
    # Folded umlauts (what normalise gives) and unknown words stay readable.
    assert gloss(normalise("Ich möchte das Zeug zurückgeben", 1000)) == "i want the zeug return"


def test_only_messages_read_as_german_are_glossed() -> None:
    raw = ["Wo ist meine Bestellung?", "where is my order", "你好", "10115"]
    texts = [normalise(text, 1000) for text in raw]
    read = encoder_texts(raw, texts)
    assert read[0] == "where is my order?"
    assert read[1:] == texts[1:]


def test_the_glossary_has_one_english_gloss_per_german_word() -> None:
    words = glossary()
    assert len(words) > 500
    assert all(german.isalpha() and german == german.lower() for german in words)
    assert all(english and "#" not in english for english in words.values())
    assert all(ch not in german for german in words for ch in "äöüß")
