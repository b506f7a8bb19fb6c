"""The launcher fails fast, with a clear message, when it cannot start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from kefu.environments import console_side_environment, rasa_side_environment
from kefu.launcher import Endpoints, how_to_chat
from kefu.paths import REPO_ROOT
from kefu.settings import Secrets, load_settings


def run_launcher(**env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "kefu", "run"],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result, time.monotonic() - started


def test_unreachable_crm_database_fails_fast_with_a_clear_message() -> None:
    result, seconds = run_launcher(KEFU_DATABASE_URL="postgresql://kefu@127.0.0.1:1/kefu")
    assert result.returncode == 1
    assert "Cannot reach the CRM database" in result.stderr
    assert "KEFU_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert seconds < 60  # Rasa's own tracker store would retry forever


def test_bad_setting_is_refused_before_anything_starts() -> None:
    result, _ = run_launcher(KEFU_RASA_PORT="not-a-port")
    assert result.returncode == 2
    assert "KEFU_RASA_PORT" in result.stderr


def test_how_to_chat_names_a_working_curl_line() -> None:
    text = how_to_chat(Endpoints("http://127.0.0.1:5005", "http://127.0.0.1:5055"))
    assert "curl -s http://127.0.0.1:5005/webhooks/rest/webhook" in text
    assert "Authorization: Bearer $(cat var/rest-token)" in text
    assert "python -m kefu shell" in text
    assert "http://127.0.0.1:8000/chat" in text  # the customers' web chat


def test_the_console_and_the_rasa_server_agree_on_the_web_chat() -> None:
    settings = load_settings({"KEFU_CHAT_ORIGINS": "https://www.shop.example"})
    secrets = Secrets(chat_secret="c" * 32, console_secret="k" * 32, rest_token="r" * 32)
    console = console_side_environment(settings, secrets)
    rasa = rasa_side_environment(settings, secrets)
    # One key signs (console) and checks (Rasa) the session tokens.
    assert console["KEFU_CHAT_SECRET"] == rasa["KEFU_CHAT_SECRET"] == "c" * 32
    assert console["KEFU_CHAT_SOCKET_URL"] == "http://127.0.0.1:5005"
    # The socket accepts the console's pages and the shops that embed them, nobody else.
    assert rasa["KEFU_CHAT_ORIGINS"].split(",") == [
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "https://www.shop.example",
    ]
    assert console["KEFU_CHAT_ORIGINS"] == "https://www.shop.example"


@pytest.mark.parametrize(
    ("environ", "proxies"),
    [
        ({}, ""),
        ({"KEFU_TRUSTED_PROXIES": "10.0.0.5, fd00::/8"}, "10.0.0.5/32,fd00::/8"),
    ],
)
def test_the_rasa_server_trusts_the_configured_proxies(
    environ: dict[str, str], proxies: str
) -> None:
    secrets = Secrets(chat_secret="c" * 32, console_secret="k" * 32, rest_token="r" * 32)
    rasa = rasa_side_environment(load_settings(environ), secrets)
    assert rasa["KEFU_TRUSTED_PROXIES"] == proxies


@pytest.mark.parametrize("api", ["on", "off"])
def test_the_console_reaches_rasas_api_with_the_key_rasa_checks(api: str) -> None:
    settings = load_settings({"KEFU_RASA_API": api, "KEFU_RASA_PORT": "6005"})
    secrets = Secrets(rasa_jwt_secret="j" * 32, chat_secret="c" * 32, rest_token="r" * 32)
    console = console_side_environment(settings, secrets)
    rasa = rasa_side_environment(settings, secrets)
    assert console["KEFU_RASA_API"] == api
    if api == "on":
        assert console["KEFU_RASA_JWT_SECRET"] == rasa["KEFU_RASA_JWT_SECRET"] == "j" * 32
        assert console["KEFU_RASA_PORT"] == "6005"
    else:
        assert "KEFU_RASA_JWT_SECRET" not in console and "KEFU_RASA_JWT_SECRET" not in rasa


def test_the_rasa_server_is_told_the_configured_hours_in_each_language() -> None:
    settings = load_settings(
        {"KEFU_OPENING_HOURS": "Tue-Thu 09:30-17:00", "KEFU_OPENING_TIMEZONE": "Asia/Shanghai"}
    )
    secrets = Secrets(chat_secret="c" * 32, console_secret="k" * 32, rest_token="r" * 32)
    hours = json.loads(rasa_side_environment(settings, secrets)["KEFU_OPENING_HOURS_TEXT"])
    assert hours == {
        "en": "Tue–Thu 09:30–17:00 (Asia/Shanghai time)",
        "de": "Di–Do 09:30–17:00 (Zeitzone Asia/Shanghai)",
        "zh": "周二至周四 09:30–17:00（时区：Asia/Shanghai）",
    }
