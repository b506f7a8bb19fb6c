"""The one settings loader: defaults, overrides, and a clear error naming the bad variable."""

from __future__ import annotations

import pytest

from crm_store.settings import DatabaseSettings
from kefu.paths import REPO_ROOT
from kefu.settings import Secrets, Settings, SettingsError, load_settings, loads_demo_data


def test_defaults() -> None:
    settings = load_settings({})
    assert settings == Settings(
        database=DatabaseSettings(
            url=f"sqlite:///{REPO_ROOT / 'var' / 'kefu.db'}", timeout_seconds=2.0, seed=7
        ),
        tracker_database_url=f"sqlite:///{REPO_ROOT / 'var' / 'tracker.db'}",
        rasa_port=5005,
        action_port=5055,
        secrets=Secrets(),
        rasa_api=True,
        demo_data=None,
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
            "KEFU_REST_TOKEN": "r" * 20,
            "KEFU_RASA_API": "off",
            "KEFU_DEMO_DATA": "off",
            "KEFU_MAX_MESSAGE_CHARS": "500",
            "KEFU_REPLY_TIMEOUT_SECONDS": "4",
            "KEFU_TURNS_AT_ONCE": "0",
        }
    )
    assert settings.database.url == "postgresql://kefu@db:5432/kefu"
    assert settings.tracker_database_url == "sqlite:////tmp/t.db"
    assert (settings.database.timeout_seconds, settings.database.seed) == (0.5, 42)
    assert (settings.rasa_port, settings.action_port) == (6005, 6055)
    assert settings.secrets.rest_token == "r" * 20
    assert (settings.rasa_api, settings.demo_data) == (False, False)
    assert (settings.max_message_chars, settings.reply_timeout_seconds) == (500, 4.0)
    assert settings.turns_at_once == 0


def test_empty_values_mean_default() -> None:
    assert load_settings({"KEFU_SEED": "", "KEFU_REST_TOKEN": " "}).database.seed == 7


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
        ("KEFU_TURNS_AT_ONCE", "-1"),
        ("KEFU_TURNS_AT_ONCE", "four"),
        ("KEFU_REST_TOKEN", "short"),
        ("KEFU_RASA_API", "maybe"),
        ("KEFU_CHAT_SOCKET_URL", "chat.example"),
        ("KEFU_CHAT_SOCKET_URL", "https://chat.example/some/path"),
        ("KEFU_CHAT_ORIGINS", "https://shop.example,ftp://files.example"),
        ("KEFU_TRUSTED_PROXIES", "nginx"),
        ("KEFU_TRUSTED_PROXIES", "127.0.0.1/40"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        load_settings({variable: value})


def test_ports_must_differ() -> None:
    with pytest.raises(SettingsError, match="KEFU_ACTION_PORT"):
        load_settings({"KEFU_RASA_PORT": "5005", "KEFU_ACTION_PORT": "5005"})


def test_demo_data_goes_only_to_the_embedded_default_unless_asked() -> None:
    assert loads_demo_data(load_settings({}))
    elsewhere = {"KEFU_DATABASE_URL": "postgresql://kefu@db:5432/kefu"}
    assert not loads_demo_data(load_settings(elsewhere))
    assert loads_demo_data(load_settings({**elsewhere, "KEFU_DEMO_DATA": "on"}))
    assert not loads_demo_data(load_settings({"KEFU_DEMO_DATA": "off"}))


def test_the_web_chat_reaches_the_rasa_server_and_the_listed_shops() -> None:
    settings = load_settings({"KEFU_RASA_PORT": "6005", "KEFU_CONSOLE_PORT": "8100"})
    assert settings.chat_url == "http://127.0.0.1:6005"
    assert settings.console_origins == ("http://127.0.0.1:8100", "http://localhost:8100")
    given = load_settings(
        {
            "KEFU_CHAT_SOCKET_URL": "https://chat.shop.example/",
            "KEFU_CHAT_ORIGINS": "https://www.shop.example, https://shop.example:8443",
        }
    )
    assert given.chat_url == "https://chat.shop.example"
    assert given.chat_origins == ("https://www.shop.example", "https://shop.example:8443")


PRODUCTION = {
    "KEFU_PROFILE": "production",
    "KEFU_DATABASE_URL": "postgresql://kefu@127.0.0.1:5432/kefu",
    "KEFU_TRACKER_DATABASE_URL": "postgresql://kefu@127.0.0.1:5432/kefu_tracker",
}


def test_trusted_proxies_default_to_the_profiles_own() -> None:
    # Embedded: customers reach the Rasa server directly; nobody's X-Forwarded-For is read.
    assert load_settings({}).proxies == ()
    # Production: nginx on loopback is in front of every Rasa server.
    assert load_settings(PRODUCTION).proxies == ("127.0.0.1/32", "::1/128")


@pytest.mark.parametrize(
    ("value", "proxies"),
    [
        ("10.0.0.5", ("10.0.0.5/32",)),
        ("127.0.0.1, 10.1.0.0/16 fd00::/8", ("127.0.0.1/32", "10.1.0.0/16", "fd00::/8")),
        ("none", ()),
    ],
)
def test_trusted_proxies_are_configured(value: str, proxies: tuple[str, ...]) -> None:
    assert load_settings({"KEFU_TRUSTED_PROXIES": value}).proxies == proxies
    given = load_settings({**PRODUCTION, "KEFU_TRUSTED_PROXIES": value})
    assert given.proxies == proxies
