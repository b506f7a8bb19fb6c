"""Which messaging channels the environment turns on, and the credentials file the Rasa server
gets for them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kefu import launcher
from kefu.environments import rasa_side_environment
from kefu.messaging import (
    BASE_CREDENTIALS,
    TELEGRAM_PRODUCTION_API,
    credentials_file,
    load_messaging,
    messaging_environment,
)
from kefu.model_cache import TrainedModel
from kefu.private_files import resolve_secrets
from kefu.settings import SettingsError, load_settings

TELEGRAM = {
    "KEFU_TELEGRAM_TOKEN": "123:abc",
    "KEFU_TELEGRAM_WEBHOOK_URL": "https://bot.example.com/webhooks/telegram/webhook",
}
SLACK = {"KEFU_SLACK_TOKEN": "xoxb-1", "KEFU_SLACK_SIGNING_SECRET": "signing-secret-42"}
FACEBOOK = {
    "KEFU_FACEBOOK_VERIFY_TOKEN": "verify-token-42",
    "KEFU_FACEBOOK_APP_SECRET": "app-secret-42",
    "KEFU_FACEBOOK_PAGE_TOKEN": "page-token-42",
}
ENTRIES = {
    "rest": "bot.channels.GuardedRestInput",
    "socketio": "bot.channels.GuardedSocketIOInput",
    "telegram": "bot.messaging.GuardedTelegramInput",
    "slack": "bot.messaging.GuardedSlackInput",
    "facebook": "bot.messenger.GuardedFacebookInput",
}


def test_no_variables_no_messaging_channel_and_the_plain_credentials() -> None:
    messaging = load_messaging({})
    assert messaging.enabled == []
    assert credentials_file(messaging, Path("unused")) == BASE_CREDENTIALS


@pytest.mark.parametrize(
    ("environ", "enabled"),
    [
        (TELEGRAM, ["telegram"]),
        (SLACK, ["slack"]),
        (FACEBOOK, ["facebook"]),
        ({**TELEGRAM, **FACEBOOK}, ["telegram", "facebook"]),
        ({**TELEGRAM, **SLACK, **FACEBOOK}, ["telegram", "slack", "facebook"]),
    ],
)
def test_a_channel_is_on_exactly_when_its_variables_are_set(
    tmp_path: Path, environ: dict[str, str], enabled: list[str]
) -> None:
    messaging = load_messaging(environ)
    assert messaging.enabled == enabled
    path = credentials_file(messaging, tmp_path)
    assert path.parent == tmp_path
    written = path.read_text(encoding="utf-8")
    assert set(yaml.safe_load(written)) == {ENTRIES[n] for n in ["rest", "socketio", *enabled]}
    # Rasa substitutes only plain scalars: the placeholders must not have been quoted, and no
    # value (a secret) is written out.
    assert "  access_token: ${KEFU_TELEGRAM_TOKEN}\n" in written or "telegram" not in enabled
    assert all(value not in written for value in environ.values())


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({"KEFU_TELEGRAM_TOKEN": "123:abc"}, "KEFU_TELEGRAM_WEBHOOK_URL"),
        ({"KEFU_SLACK_SIGNING_SECRET": "s"}, "KEFU_SLACK_TOKEN"),
        ({**FACEBOOK, "KEFU_FACEBOOK_APP_SECRET": " "}, "KEFU_FACEBOOK_APP_SECRET"),
    ],
)
def test_a_half_set_channel_stops_start_up_naming_what_is_missing(
    environ: dict[str, str], missing: str
) -> None:
    with pytest.raises(SettingsError, match=missing):
        load_settings(environ)


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://bot.example.com/webhooks/telegram/webhook", True),
        ("http://127.0.0.1:5005/webhooks/telegram/webhook", True),
        ("http://localhost:5005/webhooks/telegram/webhook", True),
        ("http://bot.example.com/webhooks/telegram/webhook", False),
        ("http://127.0.0.1.evil.example/hook", False),
        ("bot.example.com", False),
    ],
)
def test_the_webhook_url_is_https_unless_on_loopback(url: str, accepted: bool) -> None:
    environ = {**TELEGRAM, "KEFU_TELEGRAM_WEBHOOK_URL": url}
    if accepted:
        assert load_messaging(environ).enabled == ["telegram"]
    else:
        with pytest.raises(SettingsError, match="KEFU_TELEGRAM_WEBHOOK_URL"):
            load_messaging(environ)


def test_the_rasa_server_gets_the_channel_values_and_a_generated_webhook_secret(
    tmp_path: Path,
) -> None:
    settings = load_settings({**TELEGRAM, **SLACK})
    secrets = resolve_secrets(settings.secrets, tmp_path)
    env = rasa_side_environment(settings, secrets)
    assert env["KEFU_TELEGRAM_TOKEN"] == "123:abc"
    assert env["KEFU_TELEGRAM_API_URL"] == TELEGRAM_PRODUCTION_API
    assert env["KEFU_SLACK_SIGNING_SECRET"] == "signing-secret-42"
    assert env["KEFU_SLACK_API_URL"] == "https://slack.com/api/"
    fake = load_messaging({**SLACK, "KEFU_SLACK_API_URL": "http://127.0.0.1:9/api"})
    assert fake.channels["slack"]["KEFU_SLACK_API_URL"] == "http://127.0.0.1:9/api/"
    generated = env["KEFU_TELEGRAM_WEBHOOK_SECRET"]
    assert len(generated) >= 32
    assert (tmp_path / "telegram-webhook-secret").read_text().strip() == generated
    assert "KEFU_FACEBOOK_PAGE_TOKEN" not in env


def test_a_given_webhook_secret_must_be_one_telegram_sends() -> None:
    with pytest.raises(SettingsError, match="KEFU_TELEGRAM_WEBHOOK_SECRET"):
        load_settings({**TELEGRAM, "KEFU_TELEGRAM_WEBHOOK_SECRET": "has spaces in it, 16+"})
    given = "A_valid-secret_0123456789"
    settings = load_settings({**TELEGRAM, "KEFU_TELEGRAM_WEBHOOK_SECRET": given})
    assert messaging_environment(settings.messaging, given)["KEFU_TELEGRAM_WEBHOOK_SECRET"] == given


@pytest.mark.parametrize(("environ", "written"), [({}, False), (TELEGRAM, True)])
async def test_the_launcher_starts_the_rasa_server_with_that_credentials_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], written: bool
) -> None:
    monkeypatch.setattr(launcher, "VAR_DIR", tmp_path)
    monkeypatch.setattr(launcher, "LOG_DIR", tmp_path / "log")
    settings = load_settings(
        {
            **environ,
            "KEFU_DATABASE_URL": f"sqlite:///{tmp_path / 'kefu.db'}",
            "KEFU_TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        }
    )
    system = launcher.System(settings)
    system.secrets = resolve_secrets(settings.secrets, tmp_path)
    system.model = TrainedModel(tmp_path / "model.tar.gz", "f", False, 0.0)
    try:
        (rasa,) = [c for group in system.server_groups() for c in group if "Rasa" in c.name]
    finally:
        await system.tracker_engine.dispose()
        await system.crm_engine.dispose()
    credentials = Path(rasa.command[rasa.command.index("--credentials") + 1])
    assert credentials == (tmp_path / "credentials.yml" if written else BASE_CREDENTIALS)
    assert ("KEFU_TELEGRAM_TOKEN" in rasa.env) is written
