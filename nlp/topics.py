"""Conversation topics: gensim LDA with Phrases bigrams, the number of topics chosen by coherence.

Trained artefacts are gensim SaveLoad files (pickles plus .npy arrays written `separately` so
they memory-map); they are only loaded from our own models directory (see nlp.artefacts).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from nlp import artefacts
from nlp.text import MAX_DOC_CHARS, clean, content_tokens, content_tokens_many

NAME = "topics"
UNKNOWN = "unknown"
# gensim logs every pass at INFO; keep the terminal for tqdm.
logging.getLogger("gensim").setLevel(logging.WARNING)


@dataclass(frozen=True)
class TopicConfig:
    candidates: tuple[int, ...] = (4, 8, 12, 16, 24)
    coherence: str = "c_npmi"  # or "u_mass" (faster, on the bag-of-words corpus)
    passes: int = 4
    iterations: int = 100
    phrase_min_count: int = 5
    phrase_threshold: float = 10.0
    no_below: int = 5
    no_above: float = 0.5
    keep_n: int = 20_000
    top_words: int = 8
    seed: int = 0


@dataclass(frozen=True)
class TopicAssignment:
    """A document's topic distribution; topic is None (label "unknown") when nothing is known."""

    topic: int | None
    label: str
    probability: float
    distribution: list[float]


@dataclass
class TopicModel:
    lda: Any
    dictionary: Any
    phraser: Any
    labels: list[str]
    top_words: list[list[str]]
    config: TopicConfig
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def num_topics(self) -> int:
        return int(self.lda.num_topics)

    def _bow(self, text: Any) -> list[tuple[int, int]]:
        if not isinstance(text, str):
            return []
        tokens = self.phraser[content_tokens(clean(text, MAX_DOC_CHARS))]
        return self.dictionary.doc2bow(tokens)

    def assign(self, text: Any) -> TopicAssignment:
        """Score a new document with the trained model (no retraining)."""
        bow = self._bow(text)
        k = self.num_topics
        if not bow:
            return TopicAssignment(None, UNKNOWN, 0.0, [0.0] * k)
        dist = np.zeros(k)
        for t, p in self.lda.get_document_topics(bow, minimum_probability=0.0):
            dist[t] = p
        best = int(dist.argmax())
        return TopicAssignment(best, self.labels[best], float(dist[best]), dist.tolist())

    def assign_many(self, texts: Sequence[Any]) -> list[TopicAssignment]:
        return [self.assign(t) for t in texts]

    def save(self, models_dir: str | Path, data_digest: str) -> Path:
        with artefacts.new_version(models_dir, NAME, data_digest) as path:
            self.lda.save(str(path / "lda.model"), separately=["expElogbeta", "sstats"])
            self.dictionary.save(str(path / "dictionary"))
            self.phraser.save(str(path / "phrases"))
            (path / "labels.json").write_text(
                json.dumps({"labels": self.labels, "top_words": self.top_words})
            )
            artefacts.write_manifest(path, NAME, data_digest, vars(self.config), self.metrics)
        return path

    @classmethod
    def load(cls, models_dir: str | Path, version: str | None = None) -> TopicModel:
        """Load a trained model; the pickles are trusted only because of where they live."""
        from gensim.corpora import Dictionary
        from gensim.models import LdaModel
        from gensim.models.phrases import FrozenPhrases

        art = artefacts.load_artefact(models_dir, NAME, version)
        cfg = dict(art.manifest["config"])
        cfg["candidates"] = tuple(cfg["candidates"])
        meta = json.loads(art.file("labels.json").read_text())
        return cls(
            lda=LdaModel.load(str(art.file("lda.model")), mmap="r"),
            dictionary=Dictionary.load(str(art.file("dictionary"))),
            phraser=FrozenPhrases.load(str(art.file("phrases"))),
            labels=meta["labels"],
            top_words=meta["top_words"],
            config=TopicConfig(**cfg),
            metrics=art.manifest["metrics"],
        )


def _label(words: list[str], used: set[str]) -> str:
    label = " / ".join(w.replace("_", " ") for w in words[:3])
    n = 2
    while label in used:  # two topics with the same top words still need distinct labels
        label = f"{label} ({n})"
        n += 1
    used.add(label)
    return label


@dataclass
class _Corpus:
    """The texts as LDA sees them: phrase-joined tokens, a pruned dictionary, bags of words."""

    phrases: Any
    dictionary: Any
    bags: list[Any]  # the non-empty documents' bags of words
    texts: list[list[str]]  # the same documents' kept words, for coherence


def _corpus(texts: Sequence[str], cfg: TopicConfig) -> _Corpus:
    from gensim.corpora import Dictionary
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    tokens = list(tqdm(content_tokens_many(texts), total=len(texts), desc="topics: tokenise"))
    phrases = Phrases(
        tokens,
        min_count=cfg.phrase_min_count,
        threshold=cfg.phrase_threshold,
        connector_words=ENGLISH_CONNECTOR_WORDS,
    ).freeze()
    docs = [phrases[t] for t in tokens]
    dictionary = Dictionary(docs)
    no_below = min(cfg.no_below, max(1, len(docs) // 20))  # tiny corpora keep their words
    dictionary.filter_extremes(no_below=no_below, no_above=cfg.no_above, keep_n=cfg.keep_n)
    corpus = [dictionary.doc2bow(d) for d in docs]
    kept = [i for i, b in enumerate(corpus) if b]
    if len(dictionary) < 2 or len(kept) < 2:
        raise ValueError("too little text to learn topics from (need a few documents of words)")
    return _Corpus(
        phrases,
        dictionary,
        [corpus[i] for i in kept],
        [[w for w in docs[i] if w in dictionary.token2id] for i in kept],
    )


def _coherence(lda: Any, corpus: _Corpus, cfg: TopicConfig) -> float:
    from gensim.models import CoherenceModel

    return float(
        CoherenceModel(
            model=lda,
            texts=corpus.texts if cfg.coherence != "u_mass" else None,
            corpus=corpus.bags,
            dictionary=corpus.dictionary,
            coherence=cfg.coherence,
            topn=10,
            processes=1,
        ).get_coherence()
    )


def train(texts: Sequence[str], config: TopicConfig | None = None) -> TopicModel:
    """Fit LDA for each candidate number of topics and keep the most coherent one."""
    from gensim.models import LdaModel

    cfg = config or TopicConfig()
    corpus = _corpus(texts, cfg)
    best: tuple[float, Any, int] | None = None
    scores: dict[int, float] = {}
    candidates = [k for k in cfg.candidates if k < len(corpus.bags)] or [2]
    for k in tqdm(candidates, desc="topics: fit k"):
        lda = LdaModel(
            corpus=corpus.bags,
            id2word=corpus.dictionary,
            num_topics=k,
            passes=cfg.passes,
            iterations=cfg.iterations,
            chunksize=2000,
            random_state=cfg.seed,
            alpha="auto",
            eta="auto",
            eval_every=None,
        )
        scores[k] = _coherence(lda, corpus, cfg)
        if best is None or scores[k] > best[0]:
            best = (scores[k], lda, k)
    assert best is not None
    score, lda, k = best
    top_words = [[w for w, _ in lda.show_topic(t, topn=cfg.top_words)] for t in range(k)]
    used: set[str] = set()
    labels = [_label(w, used) for w in top_words]
    metrics = {
        "num_topics": k,
        "coherence_measure": cfg.coherence,
        "coherence": score,
        "coherence_by_k": scores,
        "documents": len(texts),
        "vocabulary": len(corpus.dictionary),
    }
    print(f"topics: k={k} ({cfg.coherence} {score:.4f}; by k: {scores})", file=sys.stderr)
    return TopicModel(lda, corpus.dictionary, corpus.phrases, labels, top_words, cfg, metrics)
