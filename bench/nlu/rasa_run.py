"""Trains a Rasa NLU model with the Rasa CLI of .venv-rasa and parses texts over its HTTP API."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import httpx
from ruamel.yaml import YAML

from bench.nlu.data import Example, write_rasa_nlu
from bench.nlu.metrics import FALLBACK_INTENT, Prediction
from kefu.model_cache import ensure_model, ensure_spacy_pipeline
from kefu.paths import RASA_BIN, REPO_ROOT, rasa_environment
from kefu.processes import free_port

MODEL_NAME = "bench-nlu"
SERVER_START_TIMEOUT = 600.0


def prepare_config(
    source: Path, target: Path, epochs: int | None, threshold: float | None = None
) -> dict[str, Any]:
    """Copy a Rasa config for NLU training, optionally with fewer epochs or another threshold.

    Relative model paths (SpacyNLP's "var/spacy/kefu_en") are made absolute so the config
    means the same wherever Rasa runs; policies are dropped because only NLU is trained.
    """
    yaml = YAML(typ="safe")
    config = yaml.load(source.read_text(encoding="utf-8")) or {}
    config.pop("policies", None)
    for component in config.get("pipeline") or []:
        if epochs is not None and "epochs" in component:
            component["epochs"] = epochs
        if threshold is not None and component.get("name") == "FallbackClassifier":
            component["threshold"] = threshold
        model = component.get("model")
        if component.get("name") == "SpacyNLP" and model and (REPO_ROOT / model).exists():
            component["model"] = str(REPO_ROOT / model)
    out = StringIO()
    YAML(typ="safe", pure=True).dump(config, out)
    target.write_text(out.getvalue(), encoding="utf-8")
    return config


def ambiguity_threshold(config: Path) -> float | None:
    """The FallbackClassifier's ambiguity threshold in a config, None without one."""
    for component in (
        YAML(typ="safe").load(config.read_text(encoding="utf-8")).get("pipeline") or []
    ):
        if component.get("name") == "FallbackClassifier":
            return float(component.get("ambiguity_threshold", 0.1))
    return None


def train(
    config: Path, examples: list[Example], workdir: Path, epochs: int | None = None
) -> tuple[Path, float]:
    """Train an NLU model on `examples`; returns the model archive and the wall-clock seconds."""
    ensure_spacy_pipeline()
    workdir.mkdir(parents=True, exist_ok=True)
    nlu_file = workdir / "nlu.json"
    write_rasa_nlu(examples, nlu_file)
    config_file = workdir / "config.yml"
    prepare_config(config, config_file, epochs)
    command = [
        str(RASA_BIN),
        "train",
        "nlu",
        "--config",
        str(config_file),
        "--nlu",
        str(nlu_file),
        "--out",
        str(workdir / "models"),
        "--fixed-model-name",
        MODEL_NAME,
    ]
    log_path = workdir / "train.log"
    started = time.monotonic()
    with open(log_path, "wb") as log:
        # An empty component cache per run: Rasa would otherwise reuse the featurizers and
        # classifiers of an earlier run on the same data, and `train s` would measure a lookup.
        env = {**rasa_environment(), "RASA_CACHE_DIRECTORY": str(workdir / "rasa-cache")}
        result = subprocess.run(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    seconds = time.monotonic() - started
    model = workdir / "models" / f"{MODEL_NAME}.tar.gz"
    if result.returncode != 0 or not model.exists():
        raise RuntimeError(
            f"rasa train nlu failed (exit code {result.returncode}):\n{tail(log_path)}"
        )
    return model, seconds


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def serve(model: Path, workdir: Path) -> Iterable[str]:
    """Run `rasa run --enable-api` on a free local port; yields its base URL."""
    port = free_port()
    # Empty endpoints and credentials: the repo's own would start the bot's tracker store and
    # channels, which parsing does not need.
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text("{}\n")
    credentials = workdir / "credentials.yml"
    credentials.write_text("rest:\n")
    log_path = workdir / "server.log"
    command = [
        str(RASA_BIN),
        "run",
        "--enable-api",
        "-m",
        str(model),
        "-i",
        "127.0.0.1",
        "-p",
        str(port),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(credentials),
    ]
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=rasa_environment(), stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until_ready(url, process, log_path)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def trained_model_served(prefix: str) -> Iterator[tuple[str, str]]:
    """The bot's own model (trained first if out of date) behind `rasa run`; yields its base URL
    and the model's file name."""
    model = ensure_model()
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp, serve(model.path, Path(tmp)) as url:
        yield url, model.path.name


def wait_until_ready(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rasa run exited with {process.returncode}:\n{tail(log_path)}")
        try:
            # /status answers only once the model is loaded.
            if httpx.get(f"{url}/status", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"rasa run did not answer within {SERVER_START_TIMEOUT:.0f} s")


def prediction_from(gold: str, parsed: dict[str, Any], ms: float) -> Prediction:
    """Read a /model/parse answer; an answer without an intent counts as a fallback."""
    intent = (parsed.get("intent") or {}).get("name") or FALLBACK_INTENT
    ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
    top = ranking[0] if ranking else {"name": "", "confidence": 0.0}
    second = float(ranking[1]["confidence"]) if len(ranking) > 1 else 0.0
    return Prediction(
        gold=gold,
        intent=intent,
        top_intent=str(top.get("name") or ""),
        confidence=float(top.get("confidence") or 0.0),
        second_confidence=second,
        ms=ms,
    )


def parse_all(
    url: str, examples: list[Example], progress: Callable[[int], None] | None = None
) -> list[Prediction]:
    """POST each text to /model/parse, one at a time, timing each request."""
    predictions = []
    with httpx.Client(base_url=url, timeout=60.0) as client:
        client.post("/model/parse", json={"text": "warm up"}).raise_for_status()
        for i, example in enumerate(examples):
            started = time.perf_counter()
            response = client.post("/model/parse", json={"text": example.text})
            ms = (time.perf_counter() - started) * 1000
            response.raise_for_status()
            predictions.append(prediction_from(example.label, response.json(), ms))
            if progress:
                progress(i + 1)
    return predictions
