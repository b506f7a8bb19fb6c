"""German and Chinese messages glossed word by word in English, for the English sentence encoder.

all-MiniLM-L6-v2 knows English subwords: a German message reaches it as pieces of words it
has not learnt, a Chinese one as a row of characters it has no meaning for. Replacing each
known word by its English gloss ("wo ist mein paket" -> "where is my parcel", "我的包裹到哪了"
-> "my parcel to where") gives it a sentence it can read; word order stays as it is.
Only messages `bot.language.detect` reads as German or Chinese (and, in part, those it reads
as no language, below) are glossed, and only for the encoder: the n-gram views still see the
original text (five-fold cross-validation, intent F1: data/nlu_de.yml 0.817 -> 0.857,
data/nlu_zh.yml 0.840 -> 0.875, bench/README.md; German with the full dictionary below, seeds
0 and 1: 0.865 -> 0.881, 0.876 -> 0.888).

German words are the letter runs of the normalised text (umlauts folded). A word the
glossary lacks may be a compound of words it has ("sendungsnummer" -> "parcel number"): it is
cut into glossary words, the longest first part first, parts of four letters or more, with the
linking -s-, -n-, -es-, -en- between them, a verb stem as a first part ("bestell-") and the last
part possibly inflected ("-nummern"). A word with no such cut is looked up in a full
German-English dictionary (`bot.dictionary_de`, Debian's Ding: "waschmaschine" -> "washing
machine"; German word tokens covered: 84.7 % -> 93.2 % of data/nlu_de.yml, 87.2 % -> 94.4 % of
the held-out and routing wording), unless the encoder's vocabulary holds it whole ("team",
"job", "live": English or loanwords as often as German, and the dictionary's sense a guess).
Otherwise it stays as it is (kept rather than dropped: dropping unknown words cost the encoder
1.5 points). Stripping inflection endings from words that are not compounds measured nothing
(and read "meinte" as "my"), so it is not done.

A message whose language `detect` cannot tell (one word, "Jawohl", "Versandkosten?") is glossed
too, but only its words the encoder's WordPiece vocabulary does not hold whole: German words
become English, while English ones ("super", "date", "war") stay as they are, so no Banking77
test or HWU64 test message changes (five-fold cross-validation of data/nlu_de.yml, replica,
five shuffles: 0.866 -> 0.870 for these, -> 0.872 with compounds; bench/README.md).

Chinese has no spaces: each run of Han characters is cut greedily, the longest glossary word
at each place first. The stretches no glossary word covers are cut the same way by the words
of CC-CEDICT (`bot.dictionary_zh`: 宇宙 "universe", 锁 "lock"); characters neither covers
(particles such as 了 and 的) are left out. With CC-CEDICT the glosses cover 95.2 % of the Han
characters of data/nlu_zh.yml (87.1 % before) and 94.1 % of those of the Chinese wording the
training data does not hold (bench/nlu/holdout.yml, real_wording.yml; 85.9 % before);
five-fold cross-validation, intent F1 0.884 -> 0.889 (seed 0) and 0.875 -> 0.876 (seed 1). A
Chinese message whose characters the glossaries mostly do not cover stays as it is, so the
classifier reads it by n-grams alone (`bot.script_views.unreadable_by_encoder`).
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from itertools import groupby
from pathlib import Path

from bot.dictionary_de import dictionary
from bot.dictionary_zh import cc_cedict, longest_word
from bot.language import CHINESE, GERMAN, detect
from sentence_encoder import EncoderUnavailable, model_directory

GLOSSARIES = {
    GERMAN: Path(__file__).with_name("gloss_de.txt"),
    CHINESE: Path(__file__).with_name("gloss_zh.txt"),
}
_GERMAN_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_GERMAN_WORD = re.compile(r"[a-z]+")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# A Chinese message is glossed only if the glossaries cover at least this share of its Han
# characters; below it the gloss would be a few stray words (five-fold cross-validation of
# data/nlu_zh.yml: 0.856 at a half, 0.853 with no limit, 0.852 at three quarters; with
# CC-CEDICT, three shuffles: 0.881 at a half, 0.877 at three quarters, 0.870 at nine tenths).
MIN_CHINESE_COVERAGE = 0.5
# German inflection endings, longest first, stripped from the last part of a compound to reach
# a glossary entry ("nummern" -> "nummer"); then the stem as it is or with the ending of a listed
# form ("bekomm" -> "bekommen").
_GERMAN_ENDINGS = (
    "sten",
    "ster",
    "ten",
    "ste",
    "te",
    "st",
    "et",
    "en",
    "er",
    "es",
    "em",
    "e",
    "n",
    "s",
    "t",
)
# Endings a verb or noun stem takes in the glossary ("liefer" -> "liefern").
_GERMAN_STEM_SUFFIXES = ("e", "en", "n")
_GERMAN_STEM_ENDINGS = ("", *_GERMAN_STEM_SUFFIXES)
# Linking elements between the parts of a compound ("versand-s-kosten", "kunde-n-konto").
_GERMAN_LINKS = ("", "s", "n", "es", "en")
# Shorter stems and parts would read ordinary words as chance syllables and function words
# ("einkaufen" as "ein" + "kaufen", "aufmachen" as "auf" + "machen").
MIN_GERMAN_PART = 4


@cache
def glossary(language: str) -> dict[str, str]:
    """Word of `language` (German: lower case, umlauts folded) -> English gloss."""
    words: dict[str, str] = {}
    for line in GLOSSARIES[language].read_text(encoding="utf-8").splitlines():
        word, _, english = line.strip().partition(" ")
        if word and not word.startswith("#") and english:
            words[word.lower().translate(_GERMAN_FOLD)] = english.strip()
    return words


@lru_cache(maxsize=1)
def _longest_chinese_word() -> int:
    return max(map(len, glossary(CHINESE)))


def gloss(text: str, language: str = GERMAN) -> str:
    """`text` (normalised: lower case, umlauts folded) with every known word glossed."""
    if language == CHINESE:
        return _gloss_chinese(text)[0]
    return _GERMAN_WORD.sub(lambda m: german_word(m.group(0)), text)


@lru_cache(maxsize=8192)
def german_word(word: str) -> str:
    """One German word (normalised) in English: the glossary's entry, else the entries of the
    parts it is compounded of (`german_parts`), else the full dictionary's gloss
    (`bot.dictionary_de`) unless the encoder reads the word whole, else the word as it is."""
    words = glossary(GERMAN)
    if word in words:
        return words[word]
    parts = german_parts(word)
    if parts:
        return " ".join(words[part] for part in parts)
    if word in encoder_words():
        # A word the encoder reads is English or a loanword as often as German ("team",
        # "job", "live"): the dictionary's sense of it would be a guess ("illegal scheme").
        return word
    return dictionary().get(word, word)


def _german_stem(word: str) -> str | None:
    """The glossary entry `word` is an inflected form of, or None: an ending stripped (or none),
    then the stem as it is or with a listed form's ending; a ge- participle without its ge-."""
    words = glossary(GERMAN)
    bare = [word]
    if word.startswith("ge") and len(word) > 5:
        bare.append(word[2:])
    for form in bare:
        stems = [form] + [form[: -len(e)] for e in _GERMAN_ENDINGS if form.endswith(e)]
        for stem in stems:
            if len(stem) < MIN_GERMAN_PART:
                continue
            for ending in _GERMAN_STEM_ENDINGS:
                if stem + ending in words:
                    return stem + ending
    return None


def german_parts(word: str) -> list[str] | None:
    """Glossary entries that make up `word` when joined, longest first part first, with
    linking elements between them; the last part may be inflected. None if there are none."""
    words = glossary(GERMAN)
    for cut in range(len(word) - MIN_GERMAN_PART, MIN_GERMAN_PART - 1, -1):
        head, rest = word[:cut], word[cut:]
        entry = head if head in words else _german_stem_of_part(head)
        if entry is None:
            continue
        for link in _GERMAN_LINKS:
            if not rest.startswith(link) or len(rest) - len(link) < MIN_GERMAN_PART:
                continue
            tail = rest[len(link) :]
            last = tail if tail in words else _german_stem(tail)
            if last is not None:
                return [entry, last]
            more = german_parts(tail)
            if more:
                return [entry, *more]
    return None


def _german_stem_of_part(head: str) -> str | None:
    """A verb or noun stem as the first part of a compound ("liefer" of "liefern")."""
    words = glossary(GERMAN)
    return next((head + e for e in _GERMAN_STEM_SUFFIXES if head + e in words), None)


def _gloss_chinese(text: str) -> tuple[str, float]:
    """`text` with its Han runs glossed (spaces collapsed), and the share of its Han characters
    the glossaries covered: the handwritten one, then CC-CEDICT where it has no word."""
    covered = total = 0

    def run(match: re.Match[str]) -> str:
        nonlocal covered, total
        han, out = match.group(0), []
        total += len(han)
        cut = _longest_words(han, glossary(CHINESE), _longest_chinese_word())
        for uncovered, pieces in groupby(cut, key=lambda piece: piece[1] is None):
            if uncovered:
                gap = "".join(piece for piece, _ in pieces)
                pieces = iter(_longest_words(gap, cc_cedict(), longest_word()))
            for piece, english in pieces:
                if english is not None:  # a character no word covers is left out
                    out.append(english)
                    covered += len(piece)
        return f" {' '.join(out)} "

    glossed = " ".join(_HAN_RUN.sub(run, text).split())
    return glossed, covered / total if total else 1.0


def _longest_words(han: str, words: dict[str, str], longest: int) -> list[tuple[str, str | None]]:
    """`han` cut greedily, the longest of `words` at each place first, as (piece, its gloss);
    a character no word starts is a piece of its own, glossed None."""
    pieces: list[tuple[str, str | None]] = []
    start = 0
    while start < len(han):
        end = next(
            (
                end
                for end in range(min(len(han), start + longest), start, -1)
                if han[start:end] in words
            ),
            start + 1,
        )
        pieces.append((han[start:end], words.get(han[start:end])))
        start = end
    return pieces


# The encoder the glosses are written for; its vocabulary tells which words it reads whole.
ENCODER = "all-MiniLM-L6-v2"


@cache
def encoder_words() -> frozenset[str]:
    """The words the encoder's WordPiece vocabulary holds whole (empty if not installed)."""
    try:
        path = model_directory(ENCODER) / "tokenizer.json"
    except EncoderUnavailable:
        return frozenset()
    vocab = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(word for word in vocab if word.isalpha())


def _gloss_unreadable(text: str) -> str:
    """`text` with the German glosses of the words the encoder would cut into pieces."""
    known = encoder_words()
    return _GERMAN_WORD.sub(
        lambda m: m.group(0) if m.group(0) in known else german_word(m.group(0)), text
    )


def encoder_text(raw: str, normalised: str) -> str:
    """What the sentence encoder reads of one message: glossed if German or Chinese; with no
    language told, its words the encoder has no whole token for glossed from German."""
    language = detect(raw)
    if language == GERMAN:
        return gloss(normalised, GERMAN)
    if language is None:
        return _gloss_unreadable(normalised)
    if language == CHINESE:
        glossed, coverage = _gloss_chinese(normalised)
        return glossed if coverage >= MIN_CHINESE_COVERAGE else normalised
    return normalised


# The parse data's key for a message's gloss, when it has one (the actions read it there).
GLOSS = "gloss"


def encoder_texts(raw: list[str], normalised: list[str]) -> list[str]:
    """What the sentence encoder reads: the normalised texts, glossed where German or Chinese."""
    return [encoder_text(r, n) for r, n in zip(raw, normalised, strict=True)]
