"""The sentence encoder's cost per message, against another graph of it.

    .venv-rasa/bin/python -m bench.encoder_speed [--reference OLD.onnx] [--runs 500]

Times `encode([text])` on one onnxruntime thread (as the Rasa server runs it) for a short, a
medium and a long message: the median of --runs calls, the candidates taking turns call by
call so that a shared machine's load falls on both alike. Then one batch `encode` of every
data/nlu*.yml example on all cores (as training runs it), best of three, and how far the
vectors of those examples are from the reference's (cosine). Without --reference only this
checkout's graph is measured. A reference is a graph file another commit's code wrote, e.g.
from a checkout of main: `KEFU_ENCODER_CACHE=DIR`, load the encoder once, take DIR/minilm-*.onnx.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from ruamel.yaml import YAML
from tokenizers import Tokenizer

from sentence_encoder import SentenceEncoder, model_directory

NAME = "all-MiniLM-L6-v2"
REPO = Path(__file__).resolve().parent.parent
MESSAGES = {
    "short": "yes",
    "medium": "where is my order KF-500001, it was due last week",
    "long": "Hello, I ordered a pair of running shoes three weeks ago and the tracking page "
    "still says the parcel is waiting at the depot; could you tell me when it will arrive or "
    "refund me if it is lost, because I need them for a race next Sunday?",
}


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000.0


def per_message(encoders: dict[str, SentenceEncoder], runs: int) -> dict[str, dict[str, float]]:
    """Median ms of one single-text encode, per message length and encoder, taking turns."""
    found: dict[str, dict[str, float]] = {label: {} for label in encoders}
    for length, text in MESSAGES.items():
        times: dict[str, list[float]] = {label: [] for label in encoders}
        for n in range(runs + 20):  # the first 20 warm up
            for label, encoder in encoders.items():
                spent = _timed(lambda e=encoder, t=text: e.encode([t]))
                if n >= 20:
                    times[label].append(spent)
        for label in encoders:
            found[label][length] = statistics.median(times[label])
    return found


def batch_seconds(encoder: SentenceEncoder, texts: list[str]) -> float:
    """Best of three batch encodes of `texts` (the training path)."""
    return min(_timed(lambda: encoder.encode(texts)) for _ in range(3)) / 1000.0


def training_texts() -> list[str]:
    """The examples of data/nlu*.yml, markup and all (bench.nlu needs what .venv-rasa lacks)."""
    texts = []
    for path in sorted((REPO / "data").glob("nlu*.yml")):
        for block in YAML(typ="safe").load(path.read_text(encoding="utf-8"))["nlu"]:
            lines = str(block.get("examples") or "").splitlines()
            texts += [line.strip().removeprefix("- ") for line in lines if line.strip()]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference", type=Path, help="an ONNX graph file to compare with")
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    directory = model_directory(NAME)
    graphs: dict[str, Path | None] = {"this checkout": None}
    if args.reference is not None:
        graphs["reference"] = args.reference
    single = {k: SentenceEncoder(NAME, directory, threads=1, graph=g) for k, g in graphs.items()}
    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.no_padding()
    tokens = {k: len(tokenizer.encode(t).ids) for k, t in MESSAGES.items()}
    print("ms per message, 1 thread, median of", args.runs)
    print("| graph | " + " | ".join(f"{k} ({tokens[k]} tokens)" for k in MESSAGES) + " |")
    for label, row in per_message(single, args.runs).items():
        print(f"| {label} | " + " | ".join(f"{row[k]:.2f}" for k in MESSAGES) + " |")
    texts = training_texts()
    vectors = {}
    for label, graph in graphs.items():
        encoder = SentenceEncoder(NAME, directory, threads=0, graph=graph)
        print(f"{label}: {len(texts)} training texts in {batch_seconds(encoder, texts):.2f} s")
        vectors[label] = encoder.encode(texts)
    if args.reference is not None:
        cosine = (vectors["this checkout"] * vectors["reference"]).sum(axis=1)
        print(f"cosine to the reference: min {cosine.min():.6f}, mean {cosine.mean():.6f}")
        largest = np.abs(vectors["this checkout"] - vectors["reference"]).max()
        print(f"largest difference of a vector's coordinate: {largest:.1e}")


if __name__ == "__main__":
    main()
