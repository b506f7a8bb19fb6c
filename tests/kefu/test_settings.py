"""The one settings loader: defaults, overrides, and a clear error naming the bad variable."""

from __future__ import annotations

import pytest

from crm_store.settings import DatabaseSettings
from kefu.paths import REPO_ROOT
from kefu.settings import Settings, SettingsError, load_settings


def test_defaults() -> None:
    settings = load_settings({})
    assert settings == Settings(
        database=DatabaseSettings(
            url=f"sqlite:///{REPO_ROOT / 'var' / 'kefu.db'}", timeout_seconds=2.0, seed=7
        ),
        tracker_database_url=f"sqlite:///{REPO_ROOT / 'var' / 'tracker.db'}",
        rasa_port=5005,
        action_port=5055,
        rasa_api_token=None,
        max_message_chars=1000,
        reply_timeout_seconds=2.8,
    )


def test_overrides() -> None:
    settings = load_settings(
        {
            "KEFU_DATABASE_URL": "postgresql://kefu@db:5432/kefu",
            "KEFU_TRACKER_DATABASE_URL": "sqlite:////tmp/t.db",
            "KEFU_DB_TIMEOUT_SECONDS": "0.5",
            "KEFU_SEED": "42",
            "KEFU_RASA_PORT": "6005",
            "KEFU_ACTION_PORT": "6055",
            "KEFU_RASA_API_TOKEN": "secret",
            "KEFU_MAX_MESSAGE_CHARS": "500",
            "KEFU_REPLY_TIMEOUT_SECONDS": "4",
        }
    )
    assert settings.database.url == "postgresql://kefu@db:5432/kefu"
    assert settings.tracker_database_url == "sqlite:////tmp/t.db"
    assert (settings.database.timeout_seconds, settings.database.seed) == (0.5, 42)
    assert (settings.rasa_port, settings.action_port) == (6005, 6055)
    assert settings.rasa_api_token == "secret"
    assert (settings.max_message_chars, settings.reply_timeout_seconds) == (500, 4.0)


def test_empty_values_mean_default() -> None:
    assert load_settings({"KEFU_SEED": "", "KEFU_RASA_API_TOKEN": " "}).database.seed == 7


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KEFU_DATABASE_URL", "mysql://x@y/z"),
        ("KEFU_DATABASE_URL", "kefu.db"),
        ("KEFU_TRACKER_DATABASE_URL", "redis://x"),
        ("KEFU_DB_TIMEOUT_SECONDS", "0"),
        ("KEFU_DB_TIMEOUT_SECONDS", "soon"),
        ("KEFU_SEED", "7.5"),
        ("KEFU_RASA_PORT", "not-a-port"),
        ("KEFU_ACTION_PORT", "70000"),
        ("KEFU_MAX_MESSAGE_CHARS", "-1"),
        ("KEFU_REPLY_TIMEOUT_SECONDS", "nan"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        load_settings({variable: value})


def test_ports_must_differ() -> None:
    with pytest.raises(SettingsError, match="KEFU_ACTION_PORT"):
        load_settings({"KEFU_RASA_PORT": "5005", "KEFU_ACTION_PORT": "5005"})
