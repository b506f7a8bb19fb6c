"""Message sentiment in [-1, 1]: the seed lexicon, optionally refined by a hashed linear model.

The linear model is bootstrapped without hand labels: it learns from chat messages the lexicon
is confident about (self-training), so it picks up words the lexicon lacks. Scoring one message
costs well under a millisecond (see bench/nlp.py for the measured p50/p95).

German and Chinese messages are scored by their own word lists (nlp/lexicon.py), Chinese after
its runs of characters are cut into the lists' words; until they were added every German and
Chinese message scored 0, so an upset customer writing in either was never recognised
(actions/feelings.py). English entries win where a word is on two lists, and no English score
changed (all Banking77 and HWU64 test and Banking77 training messages: 14,162 equal scores).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlp import artefacts
from nlp.lexicon import (
    CHINESE_CONTRAST,
    CHINESE_INTENSIFIERS,
    CHINESE_LEXICON,
    CHINESE_NEGATORS,
    CHINESE_NEUTRAL,
    CONTRAST,
    EMOJI,
    GERMAN_CONTRAST,
    GERMAN_INTENSIFIERS,
    GERMAN_LEXICON,
    GERMAN_NEGATORS,
    INTENSIFIERS,
    NEGATIVE,
    NEGATORS,
    POSITIVE,
)
from nlp.text import MAX_CHARS, clean, normalise, raw_tokens

NAME = "sentiment"
N_FEATURES = 2**18
# VADER's normalisation s / sqrt(s^2 + alpha) maps a summed valence into (-1, 1).
_ALPHA = 6.0
# English entries win where a word is in two lists: English scores are what bench/nlp.py measured.
_LEXICON: dict[str, float] = {**GERMAN_LEXICON, **CHINESE_LEXICON, **POSITIVE, **NEGATIVE, **EMOJI}
_NEGATORS = NEGATORS | GERMAN_NEGATORS | CHINESE_NEGATORS
_INTENSIFIERS = {**GERMAN_INTENSIFIERS, **CHINESE_INTENSIFIERS, **INTENSIFIERS}
_CONTRAST = CONTRAST | GERMAN_CONTRAST | CHINESE_CONTRAST
_CHINESE_WORDS = (
    (frozenset(CHINESE_LEXICON) | frozenset(CHINESE_INTENSIFIERS))
    | CHINESE_NEUTRAL
    | CHINESE_NEGATORS
    | CHINESE_CONTRAST
)
_LONGEST_CHINESE_WORD = max(len(w) for w in _CHINESE_WORDS)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NEG_WINDOW = 3


def _han_words(token: str) -> list[str]:
    """A token with Chinese characters cut into the lexicon's words, longest first; a character
    no word covers stands alone."""
    out: list[str] = []
    i = 0
    while i < len(token):
        for size in range(min(_LONGEST_CHINESE_WORD, len(token) - i), 0, -1):
            if size == 1 or token[i : i + size] in _CHINESE_WORDS:
                out.append(token[i : i + size])
                i += size
                break
    return out


def sentiment_tokens(text: str) -> list[str]:
    """The message's tokens as the scores read them: spaCy's, with Chinese runs cut in words."""
    tokens: list[str] = []
    for token in raw_tokens(text):
        tokens.extend(_han_words(token) if _HAN.search(token) else [token])
    return tokens


def _word(tok: str) -> str:
    w = normalise(tok)
    return w.replace("'", "") if w not in _LEXICON else w


def lexicon_score(text: str) -> float:
    """Lexicon valence of a message in [-1, 1]; 0.0 when no lexicon word or emoji is present."""
    text = clean(text, MAX_CHARS)
    if not text:
        return 0.0
    toks = sentiment_tokens(text)
    words = [_word(t) for t in toks]
    total = 0.0
    hits = 0
    seen_contrast = False
    before: list[float] = []
    after: list[float] = []
    for i, (tok, w) in enumerate(zip(toks, words, strict=True)):
        if w in _CONTRAST:
            seen_contrast = True
            continue
        v = _LEXICON.get(w, _LEXICON.get(tok))
        if v is None:
            continue
        hits += 1
        prev = words[i - 1] if i else ""
        if prev in _INTENSIFIERS:
            v *= _INTENSIFIERS[prev]
        if any(p in _NEGATORS for p in words[max(0, i - _NEG_WINDOW) : i]):
            v *= -0.7  # "not good" is less bad than "bad": VADER's negation damping
        if tok.isupper() and len(tok) > 2 and tok.isalpha():
            v *= 1.25  # shouting amplifies
        (after if seen_contrast else before).append(v)
    if not hits:
        return 0.0
    if seen_contrast and after:
        total = 0.5 * sum(before) + 1.5 * sum(after)
    else:
        total = sum(before) + sum(after)
    bangs = min(text.count("!"), 3) * 0.3
    total += math.copysign(bangs, total) if total else 0.0
    return float(total / math.sqrt(total * total + _ALPHA))


def features(text: str) -> list[str]:
    """Hashed-model features: normalised words, negation-marked words, bigrams, emoji."""
    toks = sentiment_tokens(clean(text, MAX_CHARS))
    words = [_word(t) for t in toks]
    out: list[str] = []
    negated = 0
    prev = "<s>"
    for w in words:
        if w in _NEGATORS:
            negated = _NEG_WINDOW
            out.append(w)
            prev = w
            continue
        if not any(c.isalnum() for c in w) and w not in EMOJI:
            negated = 0 if w in {".", "?", ";"} else negated
            continue
        out.append(f"NOT_{w}" if negated else w)
        out.append(f"{prev}|{w}")
        negated = max(0, negated - 1)
        prev = w
    return out


@dataclass
class SentimentModel:
    """Lexicon plus an optional linear model; `score()` is what the exchange logger calls."""

    coef: np.ndarray | None = None  # one weight per hashed feature
    intercept: float = 0.0
    lexicon_weight: float = 0.6
    metrics: dict[str, Any] = field(default_factory=dict)

    def model_score(self, text: str) -> float:
        """The linear model's opinion in [-1, 1], anchored so that no features means 0."""
        if self.coef is None:
            return 0.0
        idx = _hash(features(text))
        if idx.size == 0:
            return 0.0
        z = float(self.coef[idx].sum()) / math.sqrt(idx.size) + self.intercept
        return float(np.tanh(z / 2) - np.tanh(self.intercept / 2))

    def score(self, text: Any) -> float:
        """Sentiment of one customer message in [-1, 1]; 0.0 for empty or unreadable input."""
        if not isinstance(text, str):
            return 0.0
        text = clean(text, MAX_CHARS)
        if not text:
            return 0.0
        lex = lexicon_score(text)
        if self.coef is None:
            return lex
        mod = self.model_score(text)
        # Without any lexicon hit the model alone decides, damped: it learnt from the lexicon.
        s = self.lexicon_weight * lex + (1 - self.lexicon_weight) * mod if lex else 0.5 * mod
        return float(max(-1.0, min(1.0, s)))

    def save(self, models_dir: str | Path, data_digest: str, config: dict[str, Any]) -> Path:
        with artefacts.new_version(models_dir, NAME, data_digest) as path:
            assert self.coef is not None, "train the model before saving it"
            # Plain .npy and JSON: nothing here needs unpickling to load.
            np.save(path / "coef.npy", self.coef.astype(np.float32), allow_pickle=False)
            (path / "params.json").write_text(
                json.dumps({"intercept": self.intercept, "lexicon_weight": self.lexicon_weight})
            )
            artefacts.write_manifest(path, NAME, data_digest, config, self.metrics)
        return path

    @classmethod
    def load(cls, models_dir: str | Path, version: str | None = None) -> SentimentModel:
        art = artefacts.load_artefact(models_dir, NAME, version)
        params = json.loads(art.file("params.json").read_text())
        coef = np.load(art.file("coef.npy"), allow_pickle=False)
        return cls(coef, params["intercept"], params["lexicon_weight"], art.manifest["metrics"])


def _hash(feats: list[str]) -> np.ndarray:
    # zlib.crc32 is stable across processes (str hash() is salted per process).
    from zlib import crc32

    return np.fromiter((crc32(f.encode()) % N_FEATURES for f in feats), dtype=np.int64)


def weak_labels(texts: Sequence[str], threshold: float = 0.35) -> list[int | None]:
    """Self-training labels: 1 where the lexicon is clearly positive, 0 clearly negative."""
    out: list[int | None] = []
    for t in texts:
        s = lexicon_score(t)
        out.append(1 if s >= threshold else 0 if s <= -threshold else None)
    return out


def train(
    texts: Sequence[str],
    labels: Sequence[int | None] | None = None,
    seed: int = 0,
    max_texts: int = 60_000,
) -> SentimentModel:
    """Fit the hashed linear model on (weak) labels: 1 positive, 0 negative, None skipped.

    Without `labels`, the lexicon labels the texts it is sure about (`weak_labels`). The lexicon
    words are dropped from the features half of the time so the model must learn other cues.
    """
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    labels = list(labels) if labels is not None else weak_labels(texts)
    pairs = [(t, y) for t, y in zip(texts, labels, strict=True) if y is not None]
    rng = np.random.default_rng(seed)
    if len(pairs) > max_texts:
        pairs = [pairs[i] for i in rng.choice(len(pairs), max_texts, replace=False)]
    if len({y for _, y in pairs}) < 2:
        raise ValueError("sentiment training needs both positive and negative examples")
    rows, cols = [], []
    for i, (t, _) in enumerate(pairs):
        feats = features(t)
        if rng.random() < 0.5:
            feats = [f for f in feats if f.split("|")[-1].removeprefix("NOT_") not in _LEXICON]
        idx = np.unique(_hash(feats))
        rows.extend([i] * idx.size)
        cols.extend(idx.tolist())
        # Row values 1/sqrt(n) match model_score's scaling.
    counts = np.bincount(rows, minlength=len(pairs)).astype(float)
    vals = 1.0 / np.sqrt(np.maximum(counts[rows], 1.0))
    x = csr_matrix((vals, (rows, cols)), shape=(len(pairs), N_FEATURES))
    y = np.array([y for _, y in pairs])
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)
    clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=300, solver="liblinear")
    clf.fit(x_tr, y_tr)
    acc = float((clf.predict(x_te) == y_te).mean())
    coef = clf.coef_[0].astype(np.float32)
    model = SentimentModel(coef=coef, intercept=float(clf.intercept_[0]))
    model.metrics = {
        "weakly_labelled_texts": len(pairs),
        "positive_share": float(y.mean()),
        "heldout_agreement_with_lexicon": acc,
    }
    print(
        f"sentiment: {len(pairs)} weakly labelled messages, held-out agreement with the "
        f"lexicon labels {acc:.3f}",
        file=sys.stderr,
    )
    return model


_DEFAULT = SentimentModel()


def sentiment_score(text: Any, model: SentimentModel | None = None) -> float:
    """Sentiment of one message in [-1, 1] (0.0 neutral); lexicon only unless a model is given."""
    return (model or _DEFAULT).score(text)
