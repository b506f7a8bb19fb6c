"""The shared sentence encoder: sentence-transformers' vectors without PyTorch, and bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from sentence_encoder import EncoderUnavailable, SentenceEncoder, load_encoder, model_directory

REFERENCE = Path(__file__).with_name("minilm_reference.json")

BAD_INPUTS = [
    "",
    "   \t\n ",
    "where is my order " * 560,  # over 10,000 characters
    "😀🙈🔥👍",
    "我的订单在哪里？",
    "أين طلبي",
    "where\x00 is\x07 my\x1b order\u200b\ufeff",
    "order \udcff",  # a lone surrogate: the tokenizer takes UTF-8 only
    "?!.,;:",
]


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    try:
        return load_encoder("all-MiniLM-L6-v2")
    except EncoderUnavailable as error:
        pytest.skip(f"the encoder weights are not installed: {error}")


def test_encoder_reproduces_sentence_transformers(encoder: SentenceEncoder) -> None:
    # Vectors of minilm_reference.json came from sentence-transformers itself (its "source").
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    found = encoder.encode(reference["texts"])
    assert float(np.abs(found - np.array(reference["vectors"])).max()) < 1e-4


def test_encoder_gives_unit_vectors_for_bad_input(encoder: SentenceEncoder) -> None:
    vectors = encoder.encode(BAD_INPUTS)
    assert vectors.shape == (len(BAD_INPUTS), encoder.dimension)
    assert np.isfinite(vectors).all()
    # The empty text still holds [CLS] and [SEP], so every vector has unit length.
    assert all(math.isclose(float(n), 1.0, rel_tol=1e-4) for n in np.linalg.norm(vectors, axis=1))


def test_no_texts_give_an_empty_matrix(encoder: SentenceEncoder) -> None:
    assert encoder.encode([]).shape == (0, encoder.dimension)


def test_unknown_encoder_is_named_in_the_error() -> None:
    with pytest.raises(EncoderUnavailable, match="Unknown sentence encoder 'no-such-encoder'"):
        load_encoder("no-such-encoder")


def test_a_cached_graph_gives_the_same_vectors(encoder: SentenceEncoder, tmp_path: Path) -> None:
    directory = model_directory("all-MiniLM-L6-v2")
    texts = ["where is my order KF-500001?", "I want a refund"]
    first = SentenceEncoder(encoder.name, directory, threads=1, cache_dir=tmp_path)
    (written,) = tmp_path.glob("minilm-*.onnx")
    assert written.name.startswith(f"minilm-{encoder.weights_sha256[:16]}-")
    again = SentenceEncoder(encoder.name, directory, threads=1, cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == [written]  # read, not written again
    expected = encoder.encode(texts)
    assert float(np.abs(first.encode(texts) - expected).max()) < 1e-6
    assert float(np.abs(again.encode(texts) - expected).max()) < 1e-6


def test_a_damaged_cached_graph_is_built_again(encoder: SentenceEncoder, tmp_path: Path) -> None:
    directory = model_directory("all-MiniLM-L6-v2")
    SentenceEncoder(encoder.name, directory, threads=1, cache_dir=tmp_path)
    (written,) = tmp_path.glob("minilm-*.onnx")
    written.write_bytes(b"not an onnx graph")
    rebuilt = SentenceEncoder(encoder.name, directory, threads=1, cache_dir=tmp_path)
    texts = ["cancel my order"]
    assert float(np.abs(rebuilt.encode(texts) - encoder.encode(texts)).max()) < 1e-6


def test_a_given_graph_file_is_run_and_nothing_built(
    encoder: SentenceEncoder, tmp_path: Path
) -> None:
    directory = model_directory("all-MiniLM-L6-v2")
    SentenceEncoder(encoder.name, directory, threads=1, cache_dir=tmp_path / "built")
    (graph,) = (tmp_path / "built").glob("minilm-*.onnx")
    given = SentenceEncoder(
        encoder.name, directory, threads=1, cache_dir=tmp_path / "unused", graph=graph
    )
    assert not (tmp_path / "unused").exists()
    texts = ["my parcel never arrived"]
    assert float(np.abs(given.encode(texts) - encoder.encode(texts)).max()) < 1e-6
