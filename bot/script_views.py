"""Which messages the English sentence encoder cannot read: Chinese script, for now.

all-MiniLM-L6-v2 knows English subwords only; a Chinese message becomes a row of unknown
tokens, and its embedding view adds noise rather than evidence (five-fold cross-validation of
data/nlu_zh.yml: intent F1 0.53 with the view, 0.66 on the character n-gram views alone,
bench/README.md). For those messages the intent classifier scores the n-gram views alone.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def unreadable_by_encoder(texts: list[str]) -> np.ndarray:
    """A boolean mask: True for the texts written in a script the encoder cannot read."""
    return np.array([bool(_HAN.search(text)) for text in texts], dtype=bool)


def ngram_share(views: list[dict[str, Any]]) -> float:
    """The n-gram views' share of the averaged score (the rest is the embedding's)."""
    weights = [(float(v.get("weight", 1.0)), "encoder" in v) for v in views]
    total = sum(w for w, _ in weights)
    ngrams = sum(w for w, is_encoder in weights if not is_encoder)
    return ngrams / total if total else 1.0
