"""Rasa's own checks of the project: `rasa data validate` and the test stories of every flow."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kefu.model_cache import ensure_model
from kefu.paths import RASA_BIN, REPO_ROOT, rasa_environment

pytestmark = pytest.mark.integration


def rasa(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RASA_BIN), *args],
        cwd=REPO_ROOT,
        env=rasa_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_rasa_data_validate() -> None:
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_rasa_test_stories_cover_every_flow_and_pass(tmp_path: Path) -> None:
    model = ensure_model()
    result = rasa(
        "test",
        "core",
        "--model",
        str(model.path),
        "--stories",
        "tests/stories",
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert not failed.exists() or "None of the test stories failed" in failed.read_text()
