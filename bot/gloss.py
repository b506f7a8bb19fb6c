"""German and Chinese messages glossed word by word in English, for the English sentence encoder.

all-MiniLM-L6-v2 knows English subwords: a German message reaches it as pieces of words it
has not learnt, a Chinese one as a row of characters it has no meaning for. Replacing each
known word by its English gloss ("wo ist mein paket" -> "where is my parcel", "我的包裹到哪了"
-> "my parcel to where") gives it a sentence it can read; word order stays as it is.
Only messages `bot.language.detect` reads as German or Chinese are glossed, and only for the
encoder: the n-gram views still see the original text (five-fold cross-validation, intent F1:
data/nlu_de.yml 0.817 -> 0.857, data/nlu_zh.yml 0.840 -> 0.875, bench/README.md).

German words are the letter runs of the normalised text (umlauts folded). Chinese has no
spaces: each run of Han characters is cut greedily, the longest glossary word at each place
first; characters no word covers are left out. A Chinese message whose characters the
glossary mostly does not cover stays as it is, so the classifier reads it by n-grams alone
(`bot.script_views.unreadable_by_encoder`).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

from bot.language import CHINESE, GERMAN, detect

GLOSSARIES = {
    GERMAN: Path(__file__).with_name("gloss_de.txt"),
    CHINESE: Path(__file__).with_name("gloss_zh.txt"),
}
_GERMAN_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_GERMAN_WORD = re.compile(r"[a-z]+")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# A Chinese message is glossed only if the glossary covers at least this share of its Han
# characters; below it the gloss would be a few stray words (five-fold cross-validation of
# data/nlu_zh.yml: 0.856 at a half, 0.853 with no limit, 0.852 at three quarters).
MIN_CHINESE_COVERAGE = 0.5


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
    words = glossary(language)
    return _GERMAN_WORD.sub(lambda m: words.get(m.group(0), m.group(0)), text)


def _gloss_chinese(text: str) -> tuple[str, float]:
    """`text` with its Han runs glossed (spaces collapsed), and the share of its Han characters
    the glossary covered."""
    words, longest = glossary(CHINESE), _longest_chinese_word()
    covered = total = 0

    def run(match: re.Match[str]) -> str:
        nonlocal covered, total
        han, out, start = match.group(0), [], 0
        total += len(han)
        while start < len(han):
            for end in range(min(len(han), start + longest), start, -1):
                if han[start:end] in words:
                    out.append(words[han[start:end]])
                    covered += end - start
                    start = end
                    break
            else:
                start += 1  # a character no word covers is left out
        return f" {' '.join(out)} "

    glossed = " ".join(_HAN_RUN.sub(run, text).split())
    return glossed, covered / total if total else 1.0


def encoder_text(raw: str, normalised: str) -> str:
    """What the sentence encoder reads of one message: glossed if German or Chinese."""
    language = detect(raw)
    if language == GERMAN:
        return gloss(normalised, GERMAN)
    if language == CHINESE:
        glossed, coverage = _gloss_chinese(normalised)
        return glossed if coverage >= MIN_CHINESE_COVERAGE else normalised
    return normalised


def encoder_texts(raw: list[str], normalised: list[str]) -> list[str]:
    """What the sentence encoder reads: the normalised texts, glossed where German or Chinese."""
    return [encoder_text(r, n) for r, n in zip(raw, normalised, strict=True)]
