"""Where the running system keeps its files: one var/ folder, shared with the CRM's default."""

from __future__ import annotations

from crm_store.settings import DEFAULT_DATA_DIR
from kefu.paths import REPO_ROOT, VAR_DIR, rasa_environment


def test_the_crm_default_database_lives_in_the_same_var_folder() -> None:
    assert VAR_DIR == DEFAULT_DATA_DIR == REPO_ROOT / "var"
    assert (REPO_ROOT / "kefu" / "paths.py").is_file()


def test_the_rasa_side_runs_offline_with_our_components_importable() -> None:
    env = rasa_environment({"KEFU_EXTRA": "1"})
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    assert env["PYTHONPATH"] == str(REPO_ROOT)
    assert env["KEFU_EXTRA"] == "1"
    assert "VIRTUAL_ENV" not in env
