"""Conversation topics: KMeans on MiniLM + LSA vectors, k by silhouette, c-TF-IDF labels.

A document is represented by its sentence embedding (what it is about) joined with an LSA
view of its TF-IDF (which words it uses); without the encoder, by LSA alone. k is the candidate
with the best silhouette; each topic is labelled by its most distinctive words (c-TF-IDF, as
BERTopic does); documents far from every centroid go to the "other" topic. Retraining with the
previous model keeps topic ids and labels of the clusters that match (Hungarian matching on
the documents both models assign), so a conversation keeps its topic across retrains.
Replaces the earlier gensim LDA, whose coherence-chosen k split conversations on surface words.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlp import artefacts
from nlp.embeddings import Embedder, Lsa, get_embedder, normalise_rows
from nlp.text import MAX_DOC_CHARS, clean, content_tokens

NAME = "topics"
UNKNOWN = "unknown"
OTHER = "other"


@dataclass(frozen=True)
class TopicConfig:
    candidates: tuple[int, ...] = (4, 6, 8, 10, 12, 14, 16, 20, 24, 30)
    lsa_dims: int = 100
    embedding_share: float = 0.7  # share of the squared norm the embedding carries
    other_quantile: float = 0.03  # training documents this far from their centroid are "other"
    top_words: int = 8
    silhouette_sample: int = 3000
    seed: int = 0


@dataclass(frozen=True)
class TopicAssignment:
    """A document's topic; topic is None (label "unknown") when none of its words is known."""

    topic: int | None
    label: str
    probability: float
    distribution: list[float]


@dataclass
class TopicModel:
    lsa: Lsa
    centroids: np.ndarray
    topic_ids: list[int]  # stable id of each centroid row
    labels: list[str]
    top_words: list[list[str]]
    other_threshold: float
    config: TopicConfig
    encoder: str = "none"
    metrics: dict[str, Any] = field(default_factory=dict)
    embedder: Embedder | None = None

    @property
    def num_topics(self) -> int:
        return len(self.topic_ids)

    @property
    def other_id(self) -> int:
        return max(self.topic_ids, default=-1) + 1

    def vectors(self, texts: Sequence[Any]) -> np.ndarray:
        return represent(texts, self.lsa, self._embedder(), self.config.embedding_share)

    def _embedder(self) -> Embedder:
        embedder = self.embedder or get_embedder()
        if self.encoder != "none" and embedder.name != self.encoder:
            raise artefacts.ModelVersionError(
                f"topic model trained with the {self.encoder} encoder, which is not available"
            )
        return embedder if self.encoder != "none" else Embedder(None)

    def assign_many(self, texts: Sequence[Any]) -> list[TopicAssignment]:
        """Score new documents with the trained model (no retraining)."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        known = self.lsa.vectorizer.transform([clean(t, MAX_DOC_CHARS) for t in texts]).getnnz(1)
        sims = self.vectors(texts) @ self.centroids.T
        out = []
        for row, n_known in zip(sims, known, strict=True):
            if not n_known:
                out.append(TopicAssignment(None, UNKNOWN, 0.0, [0.0] * self.num_topics))
                continue
            dist = np.exp(10.0 * (row - row.max()))
            dist /= dist.sum()
            best = int(row.argmax())
            if row[best] < self.other_threshold:
                out.append(TopicAssignment(self.other_id, OTHER, float(dist[best]), dist.tolist()))
            else:
                topic = self.topic_ids[best]
                out.append(
                    TopicAssignment(topic, self.labels[best], float(dist[best]), dist.tolist())
                )
        return out

    def assign(self, text: Any) -> TopicAssignment:
        return self.assign_many([text])[0]

    def save(self, models_dir: str | Path, data_digest: str) -> Path:
        import joblib

        with artefacts.new_version(models_dir, NAME, data_digest) as path:
            joblib.dump(self.lsa, path / "lsa.joblib")
            np.save(path / "centroids.npy", self.centroids, allow_pickle=False)
            meta = {
                "labels": self.labels,
                "top_words": self.top_words,
                "topic_ids": self.topic_ids,
                "other_threshold": self.other_threshold,
            }
            (path / "labels.json").write_text(json.dumps(meta))
            cfg = {**asdict(self.config), "encoder": self.encoder}
            artefacts.write_manifest(path, NAME, data_digest, cfg, self.metrics)
        return path

    @classmethod
    def load(cls, models_dir: str | Path, version: str | None = None) -> TopicModel:
        """Load a trained model; the LSA pickle is trusted only because of where it lives."""
        import joblib

        art = artefacts.load_artefact(models_dir, NAME, version)
        cfg = dict(art.manifest["config"])
        encoder = cfg.pop("encoder", "none")
        if "candidates" not in cfg:
            raise artefacts.ModelVersionError(f"{art.path}: an older topic model; retrain it")
        cfg["candidates"] = tuple(cfg["candidates"])
        meta = json.loads(art.file("labels.json").read_text())
        return cls(
            joblib.load(art.file("lsa.joblib")),
            np.load(art.file("centroids.npy"), allow_pickle=False),
            meta["topic_ids"],
            meta["labels"],
            meta["top_words"],
            meta["other_threshold"],
            TopicConfig(**cfg),
            encoder,
            art.manifest["metrics"],
        )


def represent(texts: Sequence[Any], lsa: Lsa, embedder: Embedder, share: float) -> np.ndarray:
    """Unit rows: sqrt(share) * embedding joined with sqrt(1 - share) * LSA (LSA alone without)."""
    dense = lsa.transform(texts)
    emb = embedder.encode(texts)
    if emb is None:
        return dense
    return normalise_rows(np.hstack([np.sqrt(share) * emb, np.sqrt(1 - share) * dense]))


def class_tfidf(texts: Sequence[str], clusters: Sequence[int], k: int, top: int) -> list[list[str]]:
    """Each cluster's most distinctive words: tf in the cluster x log(1 + A / frequency)."""
    from sklearn.feature_extraction.text import CountVectorizer

    joined = [" ".join(content_tokens(clean(t, MAX_DOC_CHARS))) for t in texts]
    vec = CountVectorizer(token_pattern=r"\S+", min_df=1)
    counts = vec.fit_transform(joined)
    words = vec.get_feature_names_out()
    per_class = np.zeros((k, counts.shape[1]))
    for c in range(k):
        rows = [i for i, x in enumerate(clusters) if x == c]
        if rows:
            per_class[c] = np.asarray(counts[rows].sum(axis=0)).ravel()
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    idf = np.log(1 + per_class.sum(axis=1).mean() / np.maximum(per_class.sum(axis=0), 1))
    scores = tf * idf
    return [
        [str(words[j]) for j in np.argsort(-scores[c])[:top] if scores[c, j] > 0] for c in range(k)
    ]


def _label(words: list[str], used: set[str]) -> str:
    label = " / ".join(words[:3]) or "misc"
    n = 2
    while label in used:  # two topics with the same top words still need distinct labels
        label = f"{label} ({n})"
        n += 1
    used.add(label)
    return label


def _best_k(x: np.ndarray, cfg: TopicConfig) -> tuple[Any, dict[int, float]]:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    by_k: dict[int, float] = {}
    best: tuple[float, Any] | None = None
    distinct = len(np.unique(x.round(5), axis=0))  # duplicates cannot make more clusters
    for k in [k for k in cfg.candidates if 2 <= k < distinct] or [min(2, distinct)]:
        km = KMeans(n_clusters=k, n_init=4, random_state=cfg.seed).fit(x)
        if len(set(km.labels_)) < 2:
            continue
        by_k[k] = float(
            silhouette_score(
                x, km.labels_, sample_size=min(len(x), cfg.silhouette_sample), random_state=cfg.seed
            )
        )
        if best is None or by_k[k] > best[0]:
            best = (by_k[k], km)
    if best is None:
        raise ValueError("too little text to learn topics from (need a few distinct documents)")
    return best[1], by_k


def _match_previous(
    previous: TopicModel, texts: Sequence[str], clusters: np.ndarray, k: int
) -> dict[int, int]:
    """New cluster -> previous topic id, by the most shared documents (Hungarian matching)."""
    from scipy.optimize import linear_sum_assignment

    old = [a.topic for a in previous.assign_many(texts)]
    old_ids = sorted(set(previous.topic_ids))
    table = np.zeros((k, len(old_ids)))
    for new, o in zip(clusters, old, strict=True):
        if o in old_ids:
            table[new, old_ids.index(o)] += 1
    rows, cols = linear_sum_assignment(-table)
    return {int(r): old_ids[c] for r, c in zip(rows, cols, strict=True) if table[r, c] > 0}


def train(
    texts: Sequence[str],
    config: TopicConfig | None = None,
    previous: TopicModel | None = None,
    embedder: Embedder | None = None,
) -> TopicModel:
    """Cluster the documents; with `previous`, matching clusters keep its ids and labels."""
    cfg = config or TopicConfig()
    texts = [t for t in texts if isinstance(t, str) and content_tokens(clean(t, MAX_DOC_CHARS))]
    if len(texts) < 3:
        raise ValueError("too little text to learn topics from (need a few documents of words)")
    embedder = embedder or get_embedder()
    lsa = Lsa(cfg.lsa_dims, cfg.seed).fit(texts)
    x = represent(texts, lsa, embedder, cfg.embedding_share)
    km, by_k = _best_k(x, cfg)
    k = int(km.n_clusters)
    centroids = normalise_rows(km.cluster_centers_)
    own = (x * centroids[km.labels_]).sum(axis=1)
    words = class_tfidf(texts, km.labels_.tolist(), k, cfg.top_words)
    used: set[str] = set()
    labels = [_label(w, used) for w in words]
    ids = list(range(k))
    if previous is not None:
        matched = _match_previous(previous, texts, km.labels_, k)
        fresh = iter(range(previous.other_id + 1, previous.other_id + 1 + k))
        ids = [matched.get(c, next(fresh)) for c in range(k)]
        old_label = dict(zip(previous.topic_ids, previous.labels, strict=True))
        labels = [old_label[ids[c]] if c in matched else labels[c] for c in range(k)]
    metrics = {
        "num_topics": k,
        "silhouette": by_k[k],
        "silhouette_by_k": by_k,
        "documents": len(texts),
        "encoder": embedder.name,
    }
    print(f"topics: k={k} (silhouette {by_k[k]:.4f}; by k: {by_k})", file=sys.stderr)
    return TopicModel(
        lsa,
        centroids.astype(np.float32),
        ids,
        labels,
        words,
        float(np.quantile(own, cfg.other_quantile)),
        cfg,
        embedder.name,
        metrics,
        embedder,
    )
