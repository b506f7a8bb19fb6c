"""German messages glossed word by word in English, for the English sentence encoder.

all-MiniLM-L6-v2 knows English subwords: a German message reaches it as pieces of words it
has not learnt, and its view (half of the averaged score) added little for German. Replacing
each known German word by its English gloss ("wo ist mein paket" -> "where is my parcel")
gives it a sentence it can read; word order and unknown words stay as they are. Only messages
`bot.language.detect` reads as German are glossed, and only for the encoder: the n-gram views
still see the German text (five-fold cross-validation of data/nlu_de.yml: intent F1
0.817 -> 0.857, bench/README.md).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot.language import GERMAN, detect

GLOSSARY = Path(__file__).with_name("german_gloss.txt")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """German word (lower case, umlauts folded) -> English gloss."""
    words: dict[str, str] = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        german, _, english = line.strip().partition(" ")
        if german and not german.startswith("#") and english:
            words[german.lower().translate(_FOLD)] = english.strip()
    return words


def gloss(text: str) -> str:
    """`text` (normalised: lower case, umlauts folded) with every known German word glossed."""
    words = glossary()
    return _WORD.sub(lambda m: words.get(m.group(0), m.group(0)), text)


def encoder_texts(raw: list[str], normalised: list[str]) -> list[str]:
    """What the sentence encoder reads: the normalised text, glossed where the raw is German."""
    return [gloss(n) if detect(r) == GERMAN else n for r, n in zip(raw, normalised, strict=True)]
