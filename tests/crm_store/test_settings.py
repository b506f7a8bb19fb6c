"""The CRM's own settings: database URL, timeout and demo seed, and errors that hide passwords."""

from __future__ import annotations

import pytest

from crm_store.settings import (
    DEFAULT_DATA_DIR,
    DatabaseSettings,
    SettingsError,
    load_database_settings,
)


def test_defaults_point_at_the_repository_var_folder() -> None:
    settings = load_database_settings({})
    assert settings == DatabaseSettings()
    assert settings.url == f"sqlite:///{DEFAULT_DATA_DIR / 'kefu.db'}"
    assert (settings.timeout_seconds, settings.seed) == (2.0, 7)


def test_overrides() -> None:
    settings = load_database_settings(
        {
            "KEFU_DATABASE_URL": "postgresql://kefu@db:5432/kefu",
            "KEFU_DB_TIMEOUT_SECONDS": "0.5",
            "KEFU_SEED": "3",
        }
    )
    assert settings == DatabaseSettings("postgresql://kefu@db:5432/kefu", 0.5, 3)


def test_a_bad_url_is_named_without_its_password() -> None:
    with pytest.raises(SettingsError, match="KEFU_DATABASE_URL") as raised:
        load_database_settings({"KEFU_DATABASE_URL": "mysql://kefu:s3cret@db/kefu"})
    assert "s3cret" not in str(raised.value)
    assert "mysql://kefu:***@db/kefu" in str(raised.value)
