"""Artefact directories: manifest contents, version refusal, tampering, path escapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp import artefacts


def _make(tmp_path: Path) -> Path:
    path = artefacts.new_version_dir(tmp_path, "demo", artefacts.data_hash([1, 2]))
    (path / "weights.bin").write_bytes(b"abc")
    artefacts.write_manifest(path, "demo", "digest", {"k": 3}, {"auc": 0.9})
    return path


def test_manifest_records_versions_config_metrics(tmp_path: Path) -> None:
    path = _make(tmp_path)
    m = json.loads((path / "manifest.json").read_text())
    assert m["config"] == {"k": 3} and m["metrics"] == {"auc": 0.9}
    assert {"scikit-learn", "gensim", "numpy", "python"} <= set(m["libraries"])
    assert "weights.bin" in m["files"]
    assert artefacts.load_artefact(tmp_path, "demo").version == path.name


def test_mismatched_versions_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = _make(tmp_path)
    m = json.loads((path / "manifest.json").read_text())
    m["libraries"]["gensim"] = "3.8.3"
    (path / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(artefacts.ModelVersionError, match=r"gensim 3\.8\.3 .*Retrain"):
        artefacts.load_artefact(tmp_path, "demo")


def test_changed_files_and_escapes_are_refused(tmp_path: Path) -> None:
    path = _make(tmp_path)
    (path / "weights.bin").write_bytes(b"evil")
    with pytest.raises(artefacts.ModelVersionError, match="changed since training"):
        artefacts.load_artefact(tmp_path, "demo")
    with pytest.raises(artefacts.ModelNotFoundError):
        artefacts.load_artefact(tmp_path, "demo", "../../etc")
    with pytest.raises(artefacts.ModelNotFoundError, match="run training first"):
        artefacts.load_artefact(tmp_path, "absent")


def test_a_failed_write_leaves_no_version_behind(tmp_path: Path) -> None:
    with (
        pytest.raises(RuntimeError, match="disk full"),
        artefacts.new_version(tmp_path, "topics", "digest") as path,
    ):
        (path / "half.npy").write_bytes(b"\x00")
        raise RuntimeError("disk full")
    assert not path.exists()
    with pytest.raises(artefacts.ModelNotFoundError):
        artefacts.latest_version(tmp_path, "topics")
