"""Sentence embeddings for nlp: the shared MiniLM encoder (leaf `sentence_encoder`), or nothing.

Topics, similar cases and satisfaction use MiniLM vectors when the weights are installed and
fall back to pure TF-IDF/LSA when they are not (or when KEFU_NLP_EMBEDDINGS=off). There is no
second copy of the encoder here: this module only caches what `sentence_encoder` computes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from nlp.text import MAX_DOC_CHARS, clean

ENCODER_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384
# "off" turns the encoder off (tests of the fallback; machines without the weights).
ENV_SWITCH = "KEFU_NLP_EMBEDDINGS"
# Vectors kept per process: an evaluation encodes each conversation once for every task.
CACHE_SIZE = 60_000
logger = logging.getLogger(__name__)


class Embedder:
    """Unit-length MiniLM rows for texts, cached by text; `available` False means no encoder."""

    def __init__(self, encoder: Any | None) -> None:
        self._encoder = encoder
        self._cache: dict[str, np.ndarray] = {}

    @property
    def available(self) -> bool:
        return self._encoder is not None

    @property
    def name(self) -> str:
        return ENCODER_NAME if self._encoder is not None else "none"

    def encode(self, texts: Sequence[Any]) -> np.ndarray | None:
        """Unit rows per text (float32; zeros for empty text), or None without the weights."""
        if self._encoder is None:
            return None
        cleaned = [clean(t, MAX_DOC_CHARS) if isinstance(t, str) else "" for t in texts]
        missing = sorted({t for t in cleaned if t and t not in self._cache})
        if missing:
            for text, row in zip(missing, self._encoder.encode(missing), strict=True):
                if len(self._cache) >= CACHE_SIZE:
                    self._cache.pop(next(iter(self._cache)))  # oldest first (dict order)
                self._cache[text] = row
        out = np.zeros((len(cleaned), DIMENSION), dtype=np.float32)
        for i, text in enumerate(cleaned):
            row = self._cache.get(text)
            if row is None and text:
                row = self._encoder.encode([text])[0]  # evicted meanwhile: encode again
            if row is not None:
                out[i] = row
        return out


@cache
def get_embedder() -> Embedder:
    """The process's embedder: MiniLM if its weights are installed, else an unavailable one."""
    if os.environ.get(ENV_SWITCH, "").lower() in {"off", "0", "false", "no"}:
        return Embedder(None)
    try:
        from sentence_encoder import EncoderUnavailable, load_encoder

        try:
            return Embedder(load_encoder(ENCODER_NAME))
        except EncoderUnavailable as error:
            logger.warning("sentence embeddings off, TF-IDF only: %s", error)
    except ImportError as error:  # onnxruntime or tokenizers missing
        logger.warning("sentence embeddings off, TF-IDF only: %s", error)
    return Embedder(None)


def normalise_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32)


class Lsa:
    """TF-IDF (words and bigrams) reduced by truncated SVD: the dense fallback and companion."""

    def __init__(self, dims: int = 100, seed: int = 0) -> None:
        self.dims = dims
        self.seed = seed
        self.vectorizer: Any = None
        self.svd: Any = None

    def fit(self, texts: Sequence[str]) -> Lsa:
        from sklearn.decomposition import TruncatedSVD

        cleaned = [clean(t, MAX_DOC_CHARS) for t in texts]
        tfidf = fit_tfidf(cleaned)
        x = tfidf.transform(cleaned)
        dims = max(1, min(self.dims, x.shape[1] - 1, x.shape[0] - 1))
        self.vectorizer = tfidf
        self.svd = TruncatedSVD(n_components=dims, random_state=self.seed).fit(x)
        return self

    def transform(self, texts: Sequence[Any]) -> np.ndarray:
        x = self.vectorizer.transform([clean(t, MAX_DOC_CHARS) for t in texts])
        return normalise_rows(self.svd.transform(x))


def tfidf_vectorizer(n_docs: int) -> Any:
    """The plain TF-IDF every model and baseline shares: words and bigrams, sublinear TF."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        ngram_range=(1, 2),
        min_df=2 if n_docs >= 50 else 1,
        max_df=0.9 if n_docs >= 50 else 1.0,
        sublinear_tf=True,
        stop_words="english",
        max_features=50_000,
        dtype=np.float32,
    )


def fit_tfidf(texts: Sequence[str]) -> Any:
    """`tfidf_vectorizer` fitted on `texts`; when pruning leaves no word (a tiny corpus, the
    same sentence everywhere), a permissive one, and failing that a hashing vectorizer, which
    needs no vocabulary: a fit never raises on odd text."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

    texts = [t if isinstance(t, str) else "" for t in texts]
    try:
        return tfidf_vectorizer(len(texts)).fit(texts)
    except ValueError:
        pass
    try:
        return TfidfVectorizer(sublinear_tf=True, dtype=np.float32).fit(texts)
    except ValueError:
        return HashingVectorizer(n_features=2**12, alternate_sign=False).fit(texts)
