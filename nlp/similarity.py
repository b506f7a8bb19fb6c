"""Similar past cases: an incrementally growing hybrid index, MiniLM embeddings plus TF-IDF.

A document's score is w * embedding cosine + (1 - w) * TF-IDF cosine; w is chosen on
development data (`choose_weight`, which evaluations run on their training split) and is 0
when the sentence encoder is not installed, which leaves the pure TF-IDF index.

Hashing needs no vocabulary, so `add()` never refits anything: new rows are weighted with the
current IDF and appended; the whole matrix is re-weighted only once the index has grown by
REWEIGHT_SHARE since the last time (amortised, so one add() stays cheap at any size).
The index saves as .npz and JSON only, so loading it never unpickles anything.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from nlp import artefacts
from nlp.embeddings import DIMENSION, Embedder, get_embedder
from nlp.text import MAX_DOC_CHARS, clean, content_tokens

NAME = "similarity"
N_FEATURES = 2**20
REWEIGHT_SHARE = 0.10
# Below this cosine a "neighbour" shares only a stray word: better no answer than a wrong one.
MIN_SCORE = 0.05
# The embedding's share of the score; 0.5 is what development data chose last (bench/README.md).
DEFAULT_EMBEDDING_WEIGHT = 0.5
WEIGHT_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class Neighbour:
    id: str
    score: float
    label: str | None = None


@dataclass(frozen=True)
class CategorySuggestion:
    """k-NN vote: the winning category, its share of the similarity-weighted vote, and votes."""

    category: str | None
    confidence: float
    votes: dict[str, float]


@dataclass(frozen=True)
class FaqMatch:
    id: str
    score: float
    question: str


def _terms(text: str) -> list[str]:
    toks = content_tokens(clean(text, MAX_DOC_CHARS))
    return toks + [f"{a}_{b}" for a, b in pairwise(toks)]


def _hash_counts(text: str) -> dict[int, float]:
    from zlib import crc32

    counts = Counter(crc32(t.encode()) % N_FEATURES for t in _terms(text))
    # Sublinear TF: a word said ten times is not ten times as telling.
    return {k: 1.0 + float(np.log(v)) for k, v in counts.items()}


class SimilarityIndex:
    """Cosine TF-IDF search over past conversations/tickets; add() grows it without retraining."""

    def __init__(
        self, embedding_weight: float = DEFAULT_EMBEDDING_WEIGHT, embedder: Embedder | None = None
    ) -> None:
        self.embedder = embedder or (get_embedder() if embedding_weight > 0 else Embedder(None))
        self.embedding_weight = embedding_weight if self.embedder.available else 0.0
        self._dense_chunks: list[np.ndarray] = []
        self.ids: list[str] = []
        self.labels: list[str | None] = []
        self._id_pos: dict[str, int] = {}
        self._tf_chunks: list[sparse.csr_matrix] = []
        self._tf: sparse.csr_matrix = sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
        self._df = np.zeros(N_FEATURES, dtype=np.int32)
        self._weighted: sparse.csr_matrix = sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
        self._weighted_t: sparse.csr_matrix = self._weighted.T.tocsr()
        self._pending: list[sparse.csr_matrix] = []
        self._pending_t: list[sparse.csr_matrix] = []
        self._weighted_at = 0

    def __len__(self) -> int:
        return len(self.ids)

    def _idf(self, indices: np.ndarray) -> np.ndarray:
        """Smoothed IDF of the given features only: the full 2^20 array is never needed."""
        n = max(len(self.ids), 1)
        return (np.log((1 + n) / (1 + self._df[indices])) + 1.0).astype(np.float32)

    def _rows(self, texts: Sequence[str]) -> sparse.csr_matrix:
        indptr, indices, data = [0], [], []
        for t in texts:
            c = _hash_counts(t)
            indices.extend(c.keys())
            data.extend(c.values())
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.array(data, dtype=np.float32), np.array(indices, dtype=np.int64), indptr),
            shape=(len(texts), N_FEATURES),
        )

    @staticmethod
    def _weigh(tf: sparse.csr_matrix, idf: Callable[[np.ndarray], np.ndarray]) -> sparse.csr_matrix:
        """TF * IDF, each row scaled to unit length (so a dot product is the cosine)."""
        w = tf.copy().astype(np.float32)
        w.data *= idf(w.indices)
        rows = np.repeat(np.arange(w.shape[0]), np.diff(w.indptr))
        norms = np.sqrt(np.bincount(rows, weights=w.data**2, minlength=w.shape[0]))
        norms[norms == 0] = 1.0
        w.data /= norms[rows].astype(np.float32)
        return w

    def add(
        self, ids: Sequence[str], texts: Sequence[str], labels: Sequence[str | None] | None = None
    ) -> None:
        """Append documents; an id already present is replaced (its old row stops matching)."""
        labels = list(labels) if labels is not None else [None] * len(ids)
        if not (len(ids) == len(texts) == len(labels)):
            raise ValueError("ids, texts and labels must have the same length")
        if not ids:
            return
        texts = [t if isinstance(t, str) else "" for t in texts]
        tf = self._rows(texts)
        if self.embedding_weight > 0:
            dense = self.embedder.encode(texts)
            assert dense is not None
            self._dense_chunks.append(dense)
        for i, doc_id in enumerate(ids):
            old = self._id_pos.get(str(doc_id))
            if old is not None:
                self.ids[old] = ""  # tombstone: the row stays, but never comes back as a result
            self._id_pos[str(doc_id)] = len(self.ids)
            self.ids.append(str(doc_id))
            self.labels.append(None if labels[i] is None else str(labels[i]))
        np.add.at(self._df, tf.indices, 1)
        self._tf_chunks.append(tf)
        self._pending.append(self._weigh(tf, self._idf))
        self._pending_t.append(self._pending[-1].T.tocsr())
        if len(self.ids) - self._weighted_at > REWEIGHT_SHARE * len(self.ids):
            self._reweight()

    def remove(self, ids: Sequence[str]) -> int:
        """Drop these documents for good (their rows, vectors and counts, and every replaced
        row's); returns how many were here. Unknown ids are ignored."""
        gone = {str(doc_id) for doc_id in ids} & self._id_pos.keys()
        if not gone:
            return 0
        self._reweight()  # every row in one matrix, so the rows can be sliced
        keep = np.array([bool(d) and d not in gone for d in self.ids], dtype=bool)
        self._tf = self._tf[np.flatnonzero(keep)]
        self._tf_chunks = [self._tf]
        if self.embedding_weight > 0:
            self._dense_chunks = [self._dense()[keep]]
        self.ids = [d for d, kept in zip(self.ids, keep, strict=True) if kept]
        self.labels = [lab for lab, kept in zip(self.labels, keep, strict=True) if kept]
        self._id_pos = {d: i for i, d in enumerate(self.ids)}
        self._df = np.bincount(self._tf.indices, minlength=N_FEATURES).astype(np.int32)
        self._reweight()
        return len(gone)

    def _reweight(self) -> None:
        if len(self._tf_chunks) > 1:
            self._tf_chunks = [sparse.vstack(self._tf_chunks, format="csr")]
        self._tf = self._tf_chunks[0] if self._tf_chunks else self._tf
        self._weighted = self._weigh(self._tf, self._idf)
        self._weighted_t = self._weighted.T.tocsr()
        self._pending, self._pending_t = [], []
        self._weighted_at = len(self.ids)

    def _dense(self) -> np.ndarray:
        if len(self._dense_chunks) != 1:
            stacked = np.vstack(self._dense_chunks) if self._dense_chunks else None
            self._dense_chunks = [
                np.zeros((0, DIMENSION), np.float32) if stacked is None else stacked
            ]
        return self._dense_chunks[0]

    def score_parts(self, text: str) -> tuple[np.ndarray, np.ndarray | None]:
        """TF-IDF cosines and embedding cosines of `text` against every row (None: no encoder)."""
        q = self._weigh(self._rows([text]), self._idf)
        tfidf = self._scores(q) if q.nnz else np.zeros(len(self.ids), dtype=np.float32)
        if self.embedding_weight <= 0:
            return tfidf, None
        vector = self.embedder.encode([text])
        assert vector is not None
        return tfidf, self._dense() @ vector[0]

    def _scores(self, q: sparse.csr_matrix) -> np.ndarray:
        # Blocks are stored transposed (features x documents), so a query touches only the
        # rows of its own few features instead of the whole index.
        if len(self._pending) > 32:
            self._weighted = sparse.vstack([self._weighted, *self._pending], format="csr")
            self._weighted_t = self._weighted.T.tocsr()
            self._pending, self._pending_t = [], []
        blocks = [self._weighted_t, *self._pending_t]
        return np.concatenate([b[q.indices].T.dot(q.data) for b in blocks])

    def query(
        self, text: Any, k: int = 5, exclude: str | None = None, min_score: float = MIN_SCORE
    ) -> list[Neighbour]:
        """The k most similar documents, best first; [] for empty, unknown-word or bad input."""
        if not isinstance(text, str) or not self.ids or k <= 0:
            return []
        if not content_tokens(clean(text, MAX_DOC_CHARS)):
            return []  # nothing to go on: better no answer than the embedding of noise
        tfidf, dense = self.score_parts(text)
        if not tfidf.any():
            return []  # not one word in common with any document: the embedding alone guesses
        w = self.embedding_weight
        scores = tfidf if dense is None else w * dense + (1 - w) * tfidf
        want = min(len(scores), k + 2)
        top = (
            np.argpartition(-scores, want - 1)[:want]
            if want < len(scores)
            else np.arange(len(scores))
        )
        out: list[Neighbour] = []
        for i in top[np.argsort(-scores[top], kind="stable")]:
            if scores[i] < min_score or not self.ids[i] or self.ids[i] == exclude:
                continue
            out.append(Neighbour(self.ids[i], float(scores[i]), self.labels[i]))
            if len(out) == k:
                break
        if len(out) < k and len(top) < len(scores):
            # Tombstones or the excluded id used up the spare slots: fall back to a full sort.
            return self._query_full(scores, k, exclude, min_score)
        return out

    def _query_full(
        self, scores: np.ndarray, k: int, exclude: str | None, min_score: float
    ) -> list[Neighbour]:
        out = []
        for i in np.argsort(-scores, kind="stable"):
            if scores[i] < min_score:
                break
            if self.ids[i] and self.ids[i] != exclude:
                out.append(Neighbour(self.ids[i], float(scores[i]), self.labels[i]))
                if len(out) == k:
                    break
        return out

    def query_many(self, texts: Sequence[Any], k: int = 5) -> list[list[Neighbour]]:
        """`query` for many texts; their embeddings are computed in one batch first."""
        if self.embedding_weight > 0:
            self.embedder.encode([t for t in texts if isinstance(t, str)])
        return [self.query(t, k=k) for t in texts]

    def suggest_category(self, text: Any, k: int = 7) -> CategorySuggestion:
        """Category for a new ticket by a similarity-weighted vote of its k labelled neighbours."""
        votes: dict[str, float] = {}
        # Ask for spares: unlabelled neighbours do not vote, and k voters are wanted.
        labelled = [n for n in self.query(text, k=k * 3) if n.label is not None][:k]
        for n in labelled:
            votes[n.label] = votes.get(n.label, 0.0) + n.score
        if not votes:
            return CategorySuggestion(None, 0.0, {})
        best = max(votes, key=lambda c: (votes[c], c))
        return CategorySuggestion(best, votes[best] / sum(votes.values()), votes)

    def save(
        self, models_dir: str | Path, config: dict[str, Any] | None = None, name: str = NAME
    ) -> Path:
        """Write models/<name>/<version>/ (e.g. name="tickets" for a ticket index)."""
        self._reweight()
        digest = artefacts.data_hash(self.ids)
        with artefacts.new_version(models_dir, name, digest) as path:
            sparse.save_npz(path / "tf.npz", self._tf)
            if self.embedding_weight > 0:
                np.save(path / "dense.npy", self._dense(), allow_pickle=False)
            (path / "docs.json").write_text(json.dumps({"ids": self.ids, "labels": self.labels}))
            artefacts.write_manifest(
                path,
                name,
                digest,
                {
                    "n_features": N_FEATURES,
                    "embedding_weight": self.embedding_weight,
                    "encoder": self.embedder.name,
                    **(config or {}),
                },
                {"docs": len(self)},
            )
        return path

    @classmethod
    def load(
        cls, models_dir: str | Path, version: str | None = None, name: str = NAME
    ) -> SimilarityIndex:
        art = artefacts.load_artefact(models_dir, name, version)
        if art.manifest["config"].get("n_features") != N_FEATURES:
            raise artefacts.ModelVersionError(f"{art.path}: built with another feature size")
        docs = json.loads(art.file("docs.json").read_text())
        weight = float(art.manifest["config"].get("embedding_weight", 0.0))
        index = cls(embedding_weight=weight)
        if weight > 0 and index.embedder.name != art.manifest["config"].get("encoder"):
            raise artefacts.ModelVersionError(
                f"{art.path}: built with the {art.manifest['config'].get('encoder')} encoder, "
                "which is not available here; rebuild the index"
            )
        if weight > 0:
            index._dense_chunks = [np.load(art.file("dense.npy"), allow_pickle=False)]
        index.ids, index.labels = list(docs["ids"]), list(docs["labels"])
        index._id_pos = {d: i for i, d in enumerate(index.ids) if d}
        index._tf = sparse.load_npz(art.file("tf.npz")).tocsr().astype(np.float32)
        index._tf_chunks = [index._tf]
        index._df = np.bincount(index._tf.indices, minlength=N_FEATURES).astype(np.int32)
        index._reweight()
        return index


def match_faq(
    text: Any, faqs: Sequence[tuple[str, str]], min_score: float = 0.15
) -> FaqMatch | None:
    """Best FAQ for a question among (id, question text) pairs, or None below min_score.

    For a handful of FAQs the index is rebuilt per call; keep a SimilarityIndex for many.
    """
    if not faqs:
        return None
    index = SimilarityIndex(embedding_weight=0.0)  # a handful of FAQs: words are enough
    index.add([f[0] for f in faqs], [f[1] for f in faqs])
    hits = index.query(text, k=1, min_score=min_score)
    if not hits:
        return None
    question = dict(faqs)[hits[0].id]
    return FaqMatch(hits[0].id, hits[0].score, question)


def choose_weight(
    ids: Sequence[str],
    texts: Sequence[str],
    labels: Sequence[str],
    seed: int = 0,
    queries: int = 300,
    grid: Sequence[float] = WEIGHT_GRID,
) -> tuple[float, dict[float, float]]:
    """The embedding weight with the best precision@5 on development data (same label =
    relevant): up to `queries` of the documents asked against all the others. Ties go to the
    weight nearest the default; without the encoder the answer is 0 (pure TF-IDF)."""
    from nlp.metrics import precision_at_k

    index = SimilarityIndex(embedding_weight=DEFAULT_EMBEDDING_WEIGHT)
    if not index.embedder.available or len(ids) < 10:
        return (DEFAULT_EMBEDDING_WEIGHT if index.embedder.available else 0.0), {}
    index.add(ids, texts, labels)
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(ids), min(queries, len(ids)), replace=False)
    found: dict[float, list[float]] = {w: [] for w in grid}
    for i in picked:
        tfidf, dense = index.score_parts(texts[i])
        assert dense is not None
        for w in grid:
            scores = w * dense + (1 - w) * tfidf
            scores[i] = -np.inf  # the query itself
            top = np.argsort(-scores, kind="stable")[:5]
            found[w].append(precision_at_k([labels[j] == labels[i] for j in top], 5))
    by_weight = {w: float(np.mean(v)) for w, v in found.items()}
    best = max(grid, key=lambda w: (round(by_weight[w], 4), -abs(w - DEFAULT_EMBEDDING_WEIGHT)))
    return best, by_weight
