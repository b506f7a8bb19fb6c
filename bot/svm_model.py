"""The SVM intent model behind SvmIntentClassifier: its views, scores and confidences, saved as
plain arrays and JSON (nothing pickled)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.language import language_free_entities
from bot.script_views import ScriptNgrams
from sentence_encoder import EncoderUnavailable, SentenceEncoder, load_encoder

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "`": "'"})
# An emoji answer, in the words it stands for: the sentence encoder reads every emoji as the
# same unknown token (a thumb down scored as yes), and the n-grams of six emoji examples weigh
# little against thousands of texts. Skin tones say nothing.
_EMOJI_WORDS = str.maketrans(
    {
        **dict.fromkeys(["\U0001f44d", "\U0001f44c", "\u2705", "\U0001f197"], " yes "),
        **dict.fromkeys(["\U0001f44e", "\u274c"], " no "),
        "\U0001f64f": " thanks ",
        **dict.fromkeys([chr(c) for c in range(0x1F3FB, 0x1F400)], ""),
    }
)
# German customers write umlauts and ß both ways ("zurück", "zurueck"); one spelling for both.
_GERMAN_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# Word tokens: a Chinese character on its own (Chinese has no spaces, so the default pattern
# would make a whole clause one "word" seen once), else words of two or more characters. The
# word view's 1-2 grams are then character uni- and bigrams for Chinese (five-fold
# cross-validation of data/nlu_zh.yml: intent F1 0.77 -> 0.80, bench/README.md).
WORD_TOKENS = r"(?u)[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\b\w\w+\b"


def mask_entities(text: str) -> str:
    """Each email, order/ticket/customer number, phone and postcode as a token of its kind.

    They are formats, not meanings: the digits of one order number should not vote for the
    intent of the training examples that happen to share them, while "an order number is here"
    should (cross-validation: +1 point of intent F1 in every language, bench/README.md).
    """
    for found in reversed(language_free_entities(text)):
        kind = found.entity.replace("_", "")
        text = f"{text[: found.start]} x{kind}x {text[found.end :]}"
    return text


def normalise(text: str, max_chars: int) -> str:
    """The text the vectorizers see: NFKC, a thumb or a tick as its word, entities masked
    (`mask_entities`), lower case, umlauts folded, no control characters, bounded length.

    Cutting at `max_chars` keeps the parse time of a pasted essay bounded; an intent shows in
    the first sentences.
    """
    text = unicodedata.normalize("NFKC", text or "")[:max_chars].translate(_QUOTES)
    text = text.translate(_EMOJI_WORDS)
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = mask_entities(text)
    return _SPACES.sub(" ", text).strip().lower().translate(_GERMAN_FOLD)


def confidences(scores: np.ndarray, scale: float, reject: float | None) -> np.ndarray:
    """Softmax of `scale * scores` with an extra "none of these" column scored `reject`.

    The extra column is dropped from the result, so each row sums to less than one when no
    intent scores well above `reject`: a message unlike every intent gets a low top confidence
    even when one intent is far ahead of the others, which a plain softmax (`reject` None)
    cannot express.
    """
    scaled = scale * np.atleast_2d(scores)
    top = scaled.max(axis=-1, keepdims=True)
    if reject is not None:
        top = np.maximum(top, scale * reject)
    exp = np.exp(scaled - top)
    total = exp.sum(axis=-1, keepdims=True)
    if reject is not None:
        total = total + np.exp(scale * reject - top)
    return (exp / total).reshape(np.shape(scores))


def falls_back(probabilities: np.ndarray, threshold: float, ambiguity: float) -> np.ndarray:
    """Where Rasa's FallbackClassifier would answer nlu_fallback, row by row."""
    ordered = -np.sort(-probabilities, axis=1)
    second = ordered[:, 1] if ordered.shape[1] > 1 else np.zeros(len(ordered))
    return (ordered[:, 0] < threshold) | (ordered[:, 0] - second < ambiguity)


def two_rows(coef: np.ndarray, intercept: np.ndarray, n_classes: int) -> tuple[Any, Any]:
    """A binary LinearSVC keeps one row (the second class); give each class its own."""
    coef, intercept = np.atleast_2d(coef), np.atleast_1d(intercept)
    if n_classes == 2 and coef.shape[0] == 1:
        return np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    return coef, intercept


def new_vectorizer(spec: dict[str, Any], sublinear_tf: bool) -> TfidfVectorizer:
    """A view's TF-IDF; with `han_ngram_range`, Chinese texts get their own character n-grams."""
    analyzer: Any = spec["analyzer"]
    ngram_range = tuple(spec["ngram_range"])
    if spec.get("han_ngram_range"):
        analyzer = ScriptNgrams(analyzer, ngram_range, spec["han_ngram_range"])
        ngram_range = (1, 1)  # the analyzer's own ranges count
    return TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngram_range,
        sublinear_tf=sublinear_tf,
        lowercase=False,
        token_pattern=WORD_TOKENS,
        dtype=np.float32,
    )


def vectorizer_meta(vectorizer: TfidfVectorizer) -> dict[str, Any]:
    """What `new_vectorizer` needs to rebuild a fitted vectorizer, and its vocabulary."""
    meta: dict[str, Any] = {
        "analyzer": vectorizer.analyzer,
        "ngram_range": list(vectorizer.ngram_range),
        "sublinear_tf": vectorizer.sublinear_tf,
        "vocabulary": {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
    }
    if isinstance(vectorizer.analyzer, ScriptNgrams):
        meta["analyzer"] = vectorizer.analyzer.analyzer
        meta["ngram_range"] = list(vectorizer.analyzer.ngram_range)
        meta["han_ngram_range"] = list(vectorizer.analyzer.han_ngram_range)
    return meta


class View:
    """One view of the training texts: TF-IDF n-grams, or a sentence encoder's embeddings."""

    def __init__(self, spec: dict[str, Any], default_c: float) -> None:
        self.spec = spec
        self.c = float(spec.get("C", default_c))
        self.weight = float(spec.get("weight", 1.0))
        self.encoder: SentenceEncoder | None = None
        self.embeddings = np.zeros((0, 0), dtype=np.float32)

    @classmethod
    def from_spec(cls, spec: dict[str, Any], texts: list[str], default_c: float) -> View:
        view = cls(spec, default_c)
        if "encoder" in spec:
            view.encoder = load_encoder(str(spec["encoder"]))
            view.embeddings = view.encoder.encode(texts)
        elif "analyzer" not in spec:
            raise ValueError(f"SvmIntentClassifier: a view needs 'analyzer' or 'encoder': {spec}")
        return view


def embeddings_of(views: list[View], rows: list[int]) -> np.ndarray | None:
    """The embedding view's vectors of `rows`, already computed in training; None if none."""
    for view in views:
        if view.encoder is not None:
            return view.embeddings[rows]
    return None


class Model:
    """A trained classifier: what `persist` writes and `load` reads."""

    def __init__(
        self,
        classes: list[str],
        vectorizers: list[TfidfVectorizer],
        sparse_coef: np.ndarray | None,
        dense_coef: np.ndarray | None,
        intercept: np.ndarray,
        encoder: SentenceEncoder | None,
        scale: float,
        reject: float | None,
    ) -> None:
        self.classes = classes
        self.vectorizers = vectorizers
        self.sparse_coef = sparse_coef
        self.dense_coef = dense_coef
        self.intercept = intercept
        self.encoder = encoder
        self.scale = scale
        self.reject = reject

    def scores(self, texts: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Averaged SVM scores, texts x classes; `embeddings` spares re-encoding known texts."""
        out = np.tile(self.intercept, (len(texts), 1)).astype(np.float32)
        if self.sparse_coef is not None:
            features = scipy.sparse.hstack([v.transform(texts) for v in self.vectorizers]).tocsr()
            for n in range(len(texts)):
                row = features[n]
                # Only the columns of the message's few n-grams: `features @ coef.T` would
                # copy the whole (intents x n-grams) matrix into column order on every parse.
                out[n] += self.sparse_coef[:, row.indices] @ row.data
        if self.dense_coef is not None and self.encoder is not None:
            vectors = self.encoder.encode(texts) if embeddings is None else embeddings
            out += vectors @ self.dense_coef.T
        return out

    def save(self, directory: Path) -> None:
        meta: dict[str, Any] = {
            "classes": self.classes,
            "scale": self.scale,
            "reject": self.reject,
            "vectorizers": [],
            "encoder": None,
        }
        for n, vectorizer in enumerate(self.vectorizers):
            meta["vectorizers"].append(vectorizer_meta(vectorizer))
            np.save(directory / f"idf_{n}.npy", vectorizer.idf_, allow_pickle=False)
        if self.sparse_coef is not None:
            np.save(directory / "coef.npy", self.sparse_coef, allow_pickle=False)
        if self.dense_coef is not None and self.encoder is not None:
            np.save(directory / "dense_coef.npy", self.dense_coef, allow_pickle=False)
            meta["encoder"] = {
                "name": self.encoder.name,
                "weights_sha256": self.encoder.weights_sha256,
            }
        np.save(directory / "intercept.npy", self.intercept, allow_pickle=False)
        (directory / "model.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, encoder_threads: int = 0) -> Model | None:
        """The model saved in `directory`; None if it holds an untrained component's marker.

        Refuses (EncoderUnavailable) a model whose encoder weights differ from the installed
        ones: its embedding coefficients would score vectors of another space.
        """
        meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
        if not meta:
            return None
        vectorizers = []
        for n, spec in enumerate(meta["vectorizers"]):
            vectorizer = new_vectorizer(spec, spec["sublinear_tf"])
            vectorizer.vocabulary_ = spec["vocabulary"]
            vectorizer.idf_ = np.load(directory / f"idf_{n}.npy", allow_pickle=False)
            vectorizers.append(vectorizer)
        encoder = None
        if meta["encoder"] is not None:
            encoder = load_encoder(meta["encoder"]["name"], encoder_threads)
            if encoder.weights_sha256 != meta["encoder"]["weights_sha256"]:
                raise EncoderUnavailable(
                    f"This model was trained with other weights of {encoder.name} than the "
                    "installed ones; retrain it (`rasa train --force`)."
                )
        reject = meta["reject"]
        return cls(
            classes=list(meta["classes"]),
            vectorizers=vectorizers,
            sparse_coef=np.load(directory / "coef.npy", allow_pickle=False)
            if vectorizers
            else None,
            dense_coef=np.load(directory / "dense_coef.npy", allow_pickle=False)
            if encoder
            else None,
            intercept=np.load(directory / "intercept.npy", allow_pickle=False),
            encoder=encoder,
            scale=float(meta["scale"]),
            reject=None if reject is None else float(reject),
        )
