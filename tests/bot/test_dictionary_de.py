"""The full German-English dictionary: Ding lines read into one English gloss per German word."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.dictionary_de import dictionary, parse

# Lines in Ding's format, written for these tests (not taken from the dictionary).
LINES = [
    "# Version :: test",
    "Lösung {f} | Lösungen {pl} :: lotion | lotions",
    "Lösung {f} (für ein Problem) | Lösungen {pl} | eine Lösung finden :: solution (to a problem)"
    " | solutions | to find a solution",
    "Rückgabe {f}; Rücksendung {f} [econ.] | Rückgaben {pl} :: return; sending back | returns",
    "zurückgeben; erstatten {vt} | zurückgebend | zurückgegeben | er/sie gibt zurück | "
    "er/sie erstattet :: to give back sth.; to return sth. | giving back | given back | "
    "he/she gives back | he/she refunds",
    "Zahlung {f} [fin.] [econ.] :: payment transaction",
    "Zahlung {f} :: payment",
    "Föhn {m}; Haartrockner {m} :: hair dryer {hairdryer}; blow-dryer",
    "kaputt {adj} | ein kaputtes Radio :: broken | a broken radio",
    "ab {adv} :: off",
    "unpaarig {adj} | ein Teil :: odd",
]


def test_each_german_form_gets_the_first_english_synonym_without_markup() -> None:
    words = parse(LINES)
    assert words["rueckgabe"] == "return"  # umlauts folded, lower case
    assert words["rueckgaben"] == "returns"  # an inflected form is a key of its own
    assert words["zurueckgegeben"] == "given back"  # "to" and "sth." dropped
    assert words["erstattet"] == "refunds"  # "er/sie" and "he/she" dropped
    assert words["foehn"] == "hair dryer"
    assert words["kaputt"] == "broken"
    # Phrases, examples and words shorter than three letters are no keys.
    assert "kaputtes" not in words and "ab" not in words
    assert all(" " not in word for word in words)


def test_a_word_takes_the_sense_of_its_main_entry() -> None:
    words = parse(LINES)
    # The entry with the most parts over the two-part one before it.
    assert words["loesung"] == "solution"
    # A word first among its synonyms over the same word as a later synonym.
    assert words["zurueckgeben"] == "give back"
    assert words["erstatten"] == "give back"
    # Fewer subject labels win between entries of the same size.
    assert words["zahlung"] == "payment"


def test_a_line_whose_sides_do_not_align_is_skipped() -> None:
    assert "unpaarig" not in parse(LINES)


def test_without_the_debian_package_the_dictionary_is_empty_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.dictionary_de"):
        assert dictionary(tmp_path / "de-en") == {}
    assert "trans-de-en" in caplog.text


def test_the_dictionary_file_is_read_from_its_path(tmp_path: Path) -> None:
    path = tmp_path / "de-en"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    assert dictionary(path)["loesung"] == "solution"
