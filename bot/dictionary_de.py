"""A full German-English dictionary for the German words bot/gloss_de.txt does not list.

The handwritten glossary holds the words of shop messages; customers use many more (a broken
"fön", a "waschmaschine", "enttäuscht"). Debian's trans-de-en package ships the Ding dictionary
(TU Chemnitz, GPL, ~200,000 entries, `DING_PATH`): it is read where Debian installs it, at run
time, and none of its data is copied into this repository. When it is not installed the bot
works as before, with the glossary alone, and says so once in the log.

A Ding line is "German | inflected forms | examples :: English | ... | ...", the two sides
aligned at " | ", each part a "; "-separated list of synonyms with grammar markup ({f}, [ugs.],
(Postsendung), /Abk./). Every one-word German form becomes a key (lower case, umlauts folded),
"Pakete" and "er/sie macht" as well as "Paket" and "machen"; its gloss is the first English
synonym of the aligned part, markup, pronouns and "to", "sb.", "sth." dropped. A word with
several entries takes the sense of the line where it comes first among its synonyms, then of
the line with the most parts (a common word's main sense carries its inflections and examples:
"Lösung" is "solution" there, not the "lotion" of a two-part line), then the fewest labels
([ugs.], [med.]), the shortest gloss, the earliest line.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

logger = logging.getLogger(__name__)

DING_PATH = Path("/usr/share/trans/de-en")
_GERMAN_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_MARKUP = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|/[^/]*/|<[^>]*>")
_LABEL = re.compile(r"\[[a-zA-Z]+\.\]")
_GERMAN_WORD = re.compile(r"[a-z]+")
_ENGLISH_FILLERS = {"to", "sb.", "sth.", "sb.’s", "sth.’s", "oneself", "one’s"}
_PRONOUNS = {"ich", "du", "er", "sie", "es", "wir", "ihr"}
_ENGLISH_PRONOUNS = {"i", "you", "he", "she", "it", "we", "they"}
# Shorter keys are abbreviations and syllables more often than words ("ab", "de", "ok").
MIN_WORD = 3


def _english(part: str) -> str:
    """The first English synonym of one aligned part, without markup and verb fillers."""
    for synonym in _MARKUP.sub(" ", part).split(";"):
        words = [w for w in synonym.split() if w not in _ENGLISH_FILLERS]
        if len(words) > 1 and set(words[0].lower().split("/")) <= _ENGLISH_PRONOUNS:
            words = words[1:]  # "he/she goes": the verb, as the glossary writes verbs
        if words:
            return " ".join(words)
    return ""


def _without_pronoun(form: str) -> str:
    """A verb form without the pronouns Ding writes before it ("er/sie macht" -> "macht")."""
    first, _, rest = form.partition(" ")
    return rest if rest and set(first.split("/")) <= _PRONOUNS else form


def parse(lines: list[str]) -> dict[str, str]:
    """German word (lower case, umlauts folded) -> English gloss, from Ding lines."""
    best: dict[str, tuple[bool, int, int, int, int, str]] = {}
    for number, line in enumerate(lines):
        if line.startswith("#") or " :: " not in line:
            continue
        german, english = line.split(" :: ", 1)
        german_parts, english_parts = german.split(" | "), english.split(" | ")
        if len(german_parts) != len(english_parts):
            continue
        labels = len(_LABEL.findall(line))
        for german_part, english_part in zip(german_parts, english_parts, strict=True):
            gloss = _english(english_part)
            if not gloss:
                continue
            synonyms = _MARKUP.sub(" ", german_part).split(";")
            for position, synonym in enumerate(synonyms):
                word = _without_pronoun(synonym.strip().lower().translate(_GERMAN_FOLD))
                if len(word) < MIN_WORD or not _GERMAN_WORD.fullmatch(word):
                    continue
                rank = (position > 0, -len(german_parts), labels, len(gloss.split()), number, gloss)
                if word not in best or rank < best[word]:
                    best[word] = rank
    return {word: rank[-1].lower() for word, rank in best.items()}


@cache
def dictionary(path: Path = DING_PATH) -> dict[str, str]:
    """The Ding dictionary at `path`, parsed; empty (logged once) if it is not installed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        logger.warning(
            "German-English dictionary %s not found (Debian package trans-de-en): "
            "German words outside bot/gloss_de.txt reach the encoder untranslated",
            path,
        )
        return {}
    return parse(text.splitlines())
