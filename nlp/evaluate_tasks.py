"""The evaluations behind `python -m nlp.evaluate`: Kefu's model and the plain baseline, one run.

Each task returns {"kefu": {...}, "baseline": {...}, ...} so a regression below the baseline
shows at once. Baselines: TF-IDF + KMeans with k = number of labels (topics), TF-IDF cosine
(similar cases), TF-IDF + ridge regression (satisfaction), the seed lexicon (sentiment).
No task raises on a label distribution: what cannot be computed is None, with a "notes" entry.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

import numpy as np
from tqdm import tqdm

from nlp import metrics, satisfaction, sentiment_model, topics
from nlp.embeddings import fit_tfidf, get_embedder
from nlp.records import Conversation
from nlp.similarity import SimilarityIndex, choose_weight

Result = dict[str, Any]


def text_of(c: Conversation, speakers: str) -> str:
    return c.customer_text() if speakers == "customer" else c.text()


def _kmeans_baseline(train: list[str], test: list[str], k: int, seed: int) -> list[int]:
    from sklearn.cluster import KMeans

    vec = fit_tfidf(train)
    x = vec.transform(train)
    k = max(1, min(k, x.shape[0]))
    km = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(x)
    return km.predict(vec.transform(test)).tolist()


def eval_topics(
    train: list[Conversation], test: list[Conversation], label: str, args: argparse.Namespace
) -> Result:
    truth = [str(c.labels[label]) for c in test]
    train_texts = [text_of(c, args.speakers) for c in train]
    test_texts = [text_of(c, args.speakers) for c in test]
    cfg = topics.TopicConfig(
        candidates=tuple(int(k) for k in args.candidates.split(",")), seed=args.seed
    )
    model = topics.train(train_texts, cfg)
    assigned = model.assign_many(test_texts)
    predicted = [a.topic if a.topic is not None else -1 for a in assigned]
    k_labels = len({str(c.labels[label]) for c in train})
    base = _kmeans_baseline(train_texts, test_texts, k_labels, args.seed)
    return {
        "kefu": {
            **metrics.clustering_agreement(predicted, truth),
            "num_topics": model.num_topics,
            "silhouette": model.metrics.get("silhouette"),
            "other_share": sum(1 for a in assigned if a.label == topics.OTHER) / len(assigned),
            "encoder": model.metrics.get("encoder"),
            "topic_labels": model.labels,
        },
        "baseline": {**metrics.clustering_agreement(base, truth), "k": k_labels},
        "distinct_labels": len(set(truth)),
    }


def _retrieval(ranked: list[list[str]], truth: list[str]) -> Result:
    rel = [[r == t for r in row] for row, t in zip(ranked, truth, strict=True)]
    return {
        "precision_at_5": metrics.mean(metrics.precision_at_k(r, 5) for r in rel),
        "mrr_at_10": metrics.mean(metrics.reciprocal_rank(r) for r in rel),
    }


def _cosine_baseline(train: list[str], labels: list[str], test: list[str]) -> list[list[str]]:
    vec = fit_tfidf(train)
    sims = (vec.transform(train) @ vec.transform(test).T).toarray().T
    return [[labels[i] for i in np.argsort(-row, kind="stable")[:10]] for row in sims]


def eval_similarity(
    train: list[Conversation], test: list[Conversation], label: str, args: argparse.Namespace
) -> Result:
    ids = [c.id for c in train]
    texts = [text_of(c, args.speakers) for c in train]
    labels = [str(c.labels[label]) for c in train]
    weight, by_weight = choose_weight(ids, texts, labels, seed=args.seed)
    index = SimilarityIndex(embedding_weight=weight)
    chunk = 500  # added in chunks, as the exchange logger would: exercises incremental add()
    for i in tqdm(range(0, len(train), chunk), desc="similarity: index"):
        index.add(ids[i : i + chunk], texts[i : i + chunk], labels[i : i + chunk])
    queries = [text_of(c, args.speakers) for c in test]
    truth = [str(c.labels[label]) for c in test]
    ranked = [[n.label or "" for n in hits] for hits in index.query_many(queries, k=10)]
    correct = sum(
        index.suggest_category(q, k=7).category == t for q, t in zip(queries, truth, strict=True)
    )
    return {
        "kefu": {
            **_retrieval(ranked, truth),
            "knn_category_accuracy": correct / len(test),
            "embedding_weight": weight,
            "weight_dev_p5": by_weight,
            "encoder": get_embedder().name,
        },
        "baseline": _retrieval(_cosine_baseline(texts, labels, queries), truth),
        "indexed": len(index),
        "distinct_labels": len(set(labels)),
    }


def numeric_labels(values: Sequence[Any]) -> tuple[list[float | None], str]:
    """Label values as numbers: booleans and two-valued labels as 0/1, numbers as they are."""
    present = [v for v in values if v is not None]
    distinct = sorted({str(v) for v in present})
    if all(isinstance(v, bool) for v in present):
        return [None if v is None else float(v) for v in values], "boolean as 0/1"
    try:
        return [None if v is None else float(v) for v in values], "numeric"
    except (TypeError, ValueError):
        pass
    if len(distinct) == 2:
        return [None if v is None else float(str(v) == distinct[1]) for v in values], (
            f"two values: {distinct[0]!r} = 0, {distinct[1]!r} = 1"
        )
    return [None] * len(values), f"{len(distinct)} non-numeric values: cannot be ranked"


def _ranking(pred: Sequence[float], truth: Sequence[float]) -> Result:
    out: Result = {"spearman_rho": metrics.spearman(list(pred), list(truth))}
    if len(set(truth)) == 2:
        hi = max(truth)
        out["roc_auc"] = metrics.roc_auc([int(t == hi) for t in truth], list(pred))
    return out


def _ridge_baseline(train: list[str], y: list[float], test: list[str]) -> list[float]:
    from sklearn.linear_model import Ridge

    if len(train) < 2 or len(set(y)) < 2:
        return [float(np.mean(y)) if y else 0.0] * len(test)
    vec = fit_tfidf(train)
    model = Ridge(alpha=1.0).fit(vec.transform(train), y)
    return model.predict(vec.transform(test)).tolist()


def eval_satisfaction(
    train: list[Conversation], test: list[Conversation], label: str, args: argparse.Namespace
) -> Result:
    y_all, how = numeric_labels([c.labels.get(label) for c in [*train, *test]])
    y_train, y_test = y_all[: len(train)], y_all[len(train) :]
    train = [c for c, y in zip(train, y_train, strict=True) if y is not None]
    pairs = [(c, y) for c, y in zip(test, y_test, strict=True) if y is not None]
    truth = {c.id: y for c, y in zip(train, [y for y in y_train if y is not None], strict=True)}
    notes = [f"labels read as {how}"]
    if not pairs:
        return {"kefu": None, "baseline": None, "notes": [*notes, "no usable test labels"]}
    sent = sentiment_model.shipped()
    model = satisfaction.train(
        train, lambda c: truth.get(c.id), "eval", sent.lexicon_model, seed=args.seed
    )
    test_convs, y = [c for c, _ in pairs], [float(v) for _, v in pairs]
    pred = model.predict(test_convs).tolist()
    base = _ridge_baseline(
        [text_of(c, args.speakers) for c in train],
        list(truth.values()),
        [text_of(c, args.speakers) for c in test_convs],
    )
    if model.prior is not None:
        notes.append(model.metrics["fallback"])
    if len(set(y)) < 2:
        notes.append("every test label is the same: rank correlation undefined")
    return {
        "kefu": {**_ranking(pred, y), "train_cv": model.metrics},
        "baseline": _ranking(base, y),
        "label_mean": float(np.mean(y)),
        "notes": notes,
    }


def three_classes(values: Sequence[float]) -> list[int]:
    """-1/0/1 as they are; a 1-5 scale as <= 2.5 negative, >= 3.5 positive, between neutral."""
    if set(values) <= {-1.0, 0.0, 1.0}:
        return [int(v) for v in values]
    return [-1 if v <= 2.5 else 1 if v >= 3.5 else 0 for v in values]


def _matched_classes(pred: Sequence[float], truth_classes: Sequence[int]) -> list[int]:
    """Predictions cut into classes with the labels' class shares (no fitting on the labels)."""
    order = np.argsort(pred, kind="stable")
    out = np.zeros(len(pred), dtype=int)
    n_neg = sum(1 for t in truth_classes if t < 0)
    n_pos = sum(1 for t in truth_classes if t > 0)
    out[order[:n_neg]] = -1
    if n_pos:
        out[order[len(pred) - n_pos :]] = 1
    return out.tolist()


def _sentiment_scores(pred: list[float], y: list[float]) -> Result:
    from sklearn.metrics import f1_score

    classes = three_classes(y)
    return {
        "spearman_rho": metrics.spearman(pred, y),
        "macro_f1_3class": float(
            f1_score(classes, _matched_classes(pred, classes), average="macro", zero_division=0)
        ),
    }


def eval_sentiment(
    train: list[Conversation], test: list[Conversation], label: str, args: argparse.Namespace
) -> Result:
    """The shipped model on every labelled conversation: it never trains on this file, so the
    split does not matter and both sides are scored."""
    del args
    convs = [c for c in [*train, *test] if c.labels.get(label) is not None]
    y_all, how = numeric_labels([c.labels[label] for c in convs])
    pairs = [(c, y) for c, y in zip(convs, y_all, strict=True) if y is not None]
    if not pairs:
        return {"kefu": None, "baseline": None, "notes": [f"labels read as {how}: none usable"]}
    shipped = sentiment_model.shipped()
    y = [float(v) for _, v in pairs]
    turns = [[t.text for t in c.turns if t.speaker == "customer"] for c, _ in pairs]
    kefu = shipped.conversation_scores(turns)
    lexicon = [sentiment_model.lexicon_conversation_score(ts) for ts in turns]
    return {
        "kefu": {**_sentiment_scores(kefu, y), "model": shipped.describe()},
        "baseline": _sentiment_scores(lexicon, y),
        "conversations": len(pairs),
        "notes": [f"labels read as {how}"],
    }
