"""Versioned model artefacts: models/<name>/<version>/ with a manifest.json checked on load.

Some artefacts are pickles (joblib for scikit-learn, gensim's SaveLoad). Unpickling runs code,
so they are only ever loaded from the project's own models directory, and only files the
manifest lists with a matching SHA-256: never pass a path that someone else could write to.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from nlp import FORMAT_VERSION

# Which part of each library's version must match for an artefact to load: pickled
# scikit-learn estimators are only safe on the exact release that wrote them.
_VERSION_PARTS = {"scikit-learn": 3, "gensim": 2, "numpy": 1, "scipy": 1, "spacy": 2}


class ModelVersionError(RuntimeError):
    """An artefact was written by other library versions (or another format): retrain it."""


class ModelNotFoundError(FileNotFoundError):
    """No trained artefact of that name: run training first."""


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "kefu-nlp-format": str(FORMAT_VERSION)}
    for dist in _VERSION_PARTS:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "absent"
    return versions


def data_hash(items: Any) -> str:
    """SHA-256 of the training data as canonical JSON, so a manifest names what it learnt from."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(json.dumps(item, sort_keys=True, default=str).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Artefact:
    """A loaded artefact directory and its manifest."""

    name: str
    version: str
    path: Path
    manifest: dict[str, Any]

    def file(self, name: str) -> Path:
        return self.path / name


def new_version_dir(models_dir: str | Path, name: str, data_digest: str) -> Path:
    """A fresh, empty models/<name>/<version>/ (version = UTC time + short data hash)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = Path(models_dir) / name / f"{stamp}-{data_digest[:8]}"
    path.mkdir(parents=True, exist_ok=False)
    return path


@contextmanager
def new_version(models_dir: str | Path, name: str, data_digest: str) -> Iterator[Path]:
    """A fresh version folder to write into; removed again if writing fails, so a half-written
    model can never be the latest one."""
    path = new_version_dir(models_dir, name, data_digest)
    try:
        yield path
    except BaseException:
        discard(path)
        raise


def write_manifest(
    path: Path,
    name: str,
    data_digest: str,
    config: dict[str, Any],
    metrics: dict[str, Any],
) -> dict[str, Any]:
    """Write manifest.json listing every file already in `path` with its hash."""
    files = {
        str(p.relative_to(path)): _file_hash(p)
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }
    manifest = {
        "name": name,
        "version": path.name,
        "created_at": datetime.now(timezone.utc).isoformat(),
        "libraries": library_versions(),
        "data_sha256": data_digest,
        "config": config,
        "metrics": metrics,
        "files": files,
    }
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    return manifest


def _compatible(wrote: str, running: str, parts: int) -> bool:
    return wrote.split(".")[:parts] == running.split(".")[:parts]


def check_versions(manifest: dict[str, Any]) -> None:
    """Raise ModelVersionError naming every library whose version does not match."""
    running = library_versions()
    wrote = manifest.get("libraries", {})
    problems = []
    if wrote.get("kefu-nlp-format") != running["kefu-nlp-format"]:
        problems.append(
            f"artefact format {wrote.get('kefu-nlp-format')} != {running['kefu-nlp-format']}"
        )
    for dist, parts in _VERSION_PARTS.items():
        if dist in wrote and not _compatible(wrote[dist], running[dist], parts):
            problems.append(f"{dist} {wrote[dist]} (artefact) != {running[dist]} (installed)")
    if problems:
        raise ModelVersionError(
            f"model {manifest.get('name')}/{manifest.get('version')} was trained with other "
            f"library versions: {'; '.join(problems)}. Retrain it (python -m nlp train)."
        )


def latest_version(models_dir: str | Path, name: str) -> Path:
    root = Path(models_dir) / name
    versions = sorted(p for p in root.glob("*") if (p / "manifest.json").is_file())
    if not versions:
        raise ModelNotFoundError(f"no trained '{name}' model under {root}: run training first")
    return versions[-1]


def load_artefact(models_dir: str | Path, name: str, version: str | None = None) -> Artefact:
    """Open models/<name>/<version or latest>/ after checking versions and file hashes."""
    root = (Path(models_dir) / name).resolve()
    path = latest_version(models_dir, name) if version is None else root / version
    path = path.resolve()
    # The version must not climb out of models/<name>/ ("../../tmp/x" as a version).
    if root not in path.parents or not (path / "manifest.json").is_file():
        raise ModelNotFoundError(f"no '{name}' model version {version!r} under {root}")
    manifest = json.loads((path / "manifest.json").read_text())
    if manifest.get("name") != name:
        raise ModelVersionError(f"{path} holds model {manifest.get('name')!r}, not {name!r}")
    check_versions(manifest)
    for rel, digest in manifest.get("files", {}).items():
        f = path / rel
        if not f.is_file() or _file_hash(f) != digest:
            raise ModelVersionError(f"{f} is missing or changed since training; retrain {name}")
    return Artefact(name=name, version=path.name, path=path, manifest=manifest)


def discard(path: Path) -> None:
    """Remove a half-written version directory after a failed training run."""
    shutil.rmtree(path, ignore_errors=True)
