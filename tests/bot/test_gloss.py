"""German and Chinese messages reach the English sentence encoder glossed in English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import bot.gloss
from bot import dictionary_zh
from bot.dictionary_zh import cc_cedict, short_sense
from bot.gloss import GLOSSARIES, encoder_texts, german_parts, german_word, gloss, glossary
from bot.language import CHINESE, GERMAN
from bot.script_views import unreadable_by_encoder
from bot.svm_model import normalise

# The full dictionary's glosses the tests see, in place of Debian's (installed or not).
DICTIONARY = {
    "waschmaschine": "washing machine",
    "paket": "package",
    "sendungsnummer": "consignment number",
    "job": "illegal scheme",
}


@pytest.fixture(autouse=True)
def small_dictionary(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(bot.gloss, "dictionary", lambda: DICTIONARY)
    german_word.cache_clear()
    yield
    german_word.cache_clear()


def test_a_german_message_is_glossed_word_by_word() -> None:
    assert gloss("wo ist mein paket") == "where is my parcel"
    # Folded umlauts (what normalise gives) and unknown words stay readable.
    assert gloss(normalise("Ich möchte das Zeug zurückgeben", 1000)) == "i want the zeug return"


def test_a_german_compound_the_glossary_lacks_is_glossed_by_its_parts() -> None:
    for word in ("sendungsnummer", "bestellnummern", "versandkostenpauschale"):
        assert word not in glossary(GERMAN)
    # "sendung" + linking s + "nummer"; a verb stem ("bestell" of "bestellen") before a plural.
    assert german_word("sendungsnummer") == "parcel number"
    # A word the encoder reads whole is left to it, English or German.
    assert german_word("job") == "job"
    assert german_parts("bestellnummern") == ["bestellen", "nummer"]
    assert gloss("wo ist die bestellnummern liste") == "where is the order number list"


def test_a_german_word_neither_glossary_nor_compound_covers_is_looked_up() -> None:
    assert "waschmaschine" not in glossary(GERMAN)
    assert gloss("die waschmaschine ist kaputt") == "the washing machine is broken"
    # The handwritten glossary and the compound cuts come first.
    assert german_word("paket") == "parcel"
    assert german_word("sendungsnummer") == "parcel number"
    # A word the encoder reads whole is left to it, English or German.
    assert german_word("job") == "job"


def test_a_german_word_without_known_parts_stays_as_it_is() -> None:
    # No split into parts shorter than four letters ("ein" + "kaufen"), none that leaves a rest.
    for word in ("steuererklaerung", "einkaufen", "versandkostenpauschale"):
        assert german_parts(word) is None
        assert german_word(word) == word


def test_a_message_of_no_language_has_the_words_the_encoder_cannot_read_glossed() -> None:
    raw = ["Jawohl", "Versandkosten?", "super song", "display date", "10115"]
    read = encoder_texts(raw, [normalise(text, 1000) for text in raw])
    # German words the encoder has no whole token for; English ones it reads stay.
    assert read == ["yes", "shipping costs?", "super song", "display date", "xpostcodex"]


def test_a_chinese_message_is_cut_at_the_longest_known_word() -> None:
    # 退款 (refund) wins over 退 (return); 不合适 (does not fit) over 不 (no) and 合适 (fit).
    assert gloss(normalise("衣服不合适，我想退款", 1000), CHINESE) == (
        "clothes does not fit , i want refund"
    )
    # Entities and Latin text between the characters stay; an uncovered character is left out.
    assert gloss("订单 xordernumberx 到哪里了?", CHINESE) == "order xordernumberx to where ?"


def test_chinese_words_the_glossary_lacks_are_glossed_from_cc_cedict() -> None:
    for word in ("宇宙", "简历", "锁"):
        assert word not in glossary(CHINESE)
    assert gloss("宇宙有多大", CHINESE) == "universe have many big"
    assert gloss("帮我写一份简历", CHINESE) == "help me write one curriculum vitae"
    # A single character the glossary lacks is glossed too; 了 stays left out (a particle).
    assert gloss("账户被锁了", CHINESE) == "account by lock"


def test_the_handwritten_glossary_wins_over_cc_cedict() -> None:
    # CC-CEDICT reads 包裹 as "wrap up" and has 不合 ("not conform to"), which would cut
    # 不合适 differently; the glossary's cut and glosses stay as they were.
    assert (cc_cedict()["包裹"], cc_cedict()["不合"]) == ("wrap up", "not conform to")
    assert gloss("我的包裹到哪了", CHINESE) == "my parcel to where"
    assert gloss("衣服不合适", CHINESE) == "clothes does not fit"


def test_cc_cedict_gives_each_word_its_common_short_sense() -> None:
    words = cc_cedict()
    # Lower-case readings before names, the reading with the most senses before rare ones.
    assert (words["王"], words["打"], words["药"]) == ("king or monarch", "beat", "medicine")
    assert words["香港"] == "Hong Kong"  # a proper name where there is nothing else
    # Particles and suffixes (a neutral-tone reading) are left out, as the glossary does.
    assert not {"了", "的", "吧", "子"} & words.keys()


def test_a_missing_cc_cedict_is_an_error_not_a_missing_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # StoredComponent.load reads a FileNotFoundError as "no trained model": it must not be one.
    monkeypatch.setattr(dictionary_zh, "CEDICT_FILE", "data/no_such_edition.txt.gz")
    cc_cedict.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="no_such_edition"):
            cc_cedict()
    finally:
        cc_cedict.cache_clear()


def test_a_short_sense_skips_notes_pointers_and_descriptions() -> None:
    assert short_sense("(bound form) up; upper; above/first") == "up"
    assert short_sense("surname Wang/variant of 王[wang2]/CL:個|个[ge4]/to shout") == "shout"
    assert short_sense("(completed action marker)/(modal particle)") is None
    assert short_sense("modal particle ending sentence, showing approval/yes") == "yes"


def test_german_and_chinese_messages_are_glossed_others_not() -> None:
    raw = ["Wo ist meine Bestellung?", "我的包裹到哪了？", "where is my order", "10115"]
    texts = [normalise(text, 1000) for text in raw]
    read = encoder_texts(raw, texts)
    assert read[0] == "where is my order?"
    assert read[1] == "my parcel to where ?"
    assert read[2:] == texts[2:]
    assert not unreadable_by_encoder(read).any()


def test_a_chinese_message_the_glossary_hardly_covers_stays_chinese() -> None:
    # Mostly characters neither the glossary nor CC-CEDICT covers: a gloss of one stray word
    # would mislead the encoder, so the message stays as it is and the classifier reads it by
    # n-grams alone.
    raw = ["㐀㐁㐂我"]
    read = encoder_texts(raw, [normalise(raw[0], 1000)])
    assert read == raw
    assert unreadable_by_encoder(read).all()


def test_the_glossaries_have_one_english_gloss_per_word() -> None:
    german, chinese = glossary(GERMAN), glossary(CHINESE)
    assert len(german) > 500
    assert all(word.isalpha() and word == word.lower() for word in german)
    assert all(ch not in word for word in german for ch in "äöüß")
    assert len(chinese) > 500
    assert all(unreadable_by_encoder(list(chinese)).tolist())
    for words in (german, chinese):
        assert all(english and "#" not in english for english in words.values())


def test_each_chinese_word_is_listed_once() -> None:
    # A second line for a word would silently replace the first gloss.
    lines = GLOSSARIES[CHINESE].read_text(encoding="utf-8").splitlines()
    words = [line.split(" ", 1)[0] for line in lines if line and not line.startswith("#")]
    assert len(words) == len(set(words))
