"""Which messaging channels run (Telegram, Slack, Facebook Messenger), and the credentials file
that turns on exactly those.

A channel is on when its KEFU_* variables are set, all of them; a channel with some set and some
missing stops start-up with the names of the missing ones (a half-configured channel would
otherwise fail silently on the first customer). Rasa loads every entry of its credentials file
and fails on an unset `${VARIABLE}`, so the optional entries live in credentials.messaging.yml
and the launcher writes the Rasa server's credentials file: credentials.yml, plus the entries
of the channels that are on. The file keeps the `${...}` placeholders; the values reach the Rasa
server as environment variables (`rasa_environment`), never written to disk here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from crm_store.settings import SettingsError
from kefu.paths import REPO_ROOT

BASE_CREDENTIALS = REPO_ROOT / "credentials.yml"
MESSAGING_CREDENTIALS = REPO_ROOT / "credentials.messaging.yml"
EFFECTIVE_CREDENTIALS = "credentials.yml"

TELEGRAM_PRODUCTION_API = "https://api.telegram.org"
ENV_TELEGRAM_API_URL = "KEFU_TELEGRAM_API_URL"
SLACK_PRODUCTION_API = "https://slack.com/api/"
ENV_SLACK_API_URL = "KEFU_SLACK_API_URL"
FACEBOOK_PRODUCTION_API = "https://graph.facebook.com"
ENV_FACEBOOK_API_URL = "KEFU_FACEBOOK_API_URL"
ENV_TELEGRAM_WEBHOOK_SECRET = "KEFU_TELEGRAM_WEBHOOK_SECRET"

# Each channel: its entry in credentials.messaging.yml, and the variables that must all be set.
CHANNELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "telegram": (
        "bot.messaging.GuardedTelegramInput",
        ("KEFU_TELEGRAM_TOKEN", "KEFU_TELEGRAM_WEBHOOK_URL"),
    ),
    "slack": (
        "bot.messaging.GuardedSlackInput",
        ("KEFU_SLACK_TOKEN", "KEFU_SLACK_SIGNING_SECRET"),
    ),
    "facebook": (
        "bot.messenger.GuardedFacebookInput",
        ("KEFU_FACEBOOK_VERIFY_TOKEN", "KEFU_FACEBOOK_APP_SECRET", "KEFU_FACEBOOK_PAGE_TOKEN"),
    ),
}
_LOOPBACK = re.compile(r"^http://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(/|$)")


@dataclass(frozen=True)
class MessagingSettings:
    """The channels that are on, each with its variables' values (secrets included)."""

    channels: Mapping[str, Mapping[str, str]]

    @property
    def enabled(self) -> list[str]:
        return [name for name in CHANNELS if name in self.channels]


def _check_url(variable: str, value: str) -> None:
    # Platforms call webhooks over HTTPS only; plain HTTP is for a fake or proxy on loopback.
    if not (value.startswith("https://") or _LOOPBACK.match(value)):
        raise SettingsError(
            f"{variable} must be an https:// URL (plain http only on loopback), got {value!r}."
        )


def _api_url(environ: Mapping[str, str], variable: str) -> str:
    """The platform's API (another only for a local API server, a proxy, or the tests' fake)."""
    default = {
        ENV_TELEGRAM_API_URL: TELEGRAM_PRODUCTION_API,
        ENV_SLACK_API_URL: SLACK_PRODUCTION_API,
        ENV_FACEBOOK_API_URL: FACEBOOK_PRODUCTION_API,
    }
    url = environ.get(variable, "").strip() or default[variable]
    _check_url(variable, url)
    # Slack's client joins the method name straight on.
    return url if variable != ENV_SLACK_API_URL or url.endswith("/") else url + "/"


def load_messaging(environ: Mapping[str, str]) -> MessagingSettings:
    """The messaging channels the environment turns on; SettingsError for a half-set one."""
    channels: dict[str, dict[str, str]] = {}
    for name, (_entry, variables) in CHANNELS.items():
        given = {v: environ[v].strip() for v in variables if environ.get(v, "").strip()}
        if not given:
            continue
        missing = [v for v in variables if v not in given]
        if missing:
            raise SettingsError(
                f"The {name} channel needs {', '.join(missing)} too "
                f"(set all of {', '.join(variables)}, or none; see docs/channels.md)."
            )
        if name == "telegram":
            _check_url("KEFU_TELEGRAM_WEBHOOK_URL", given["KEFU_TELEGRAM_WEBHOOK_URL"])
            given[ENV_TELEGRAM_API_URL] = _api_url(environ, ENV_TELEGRAM_API_URL)
        if name == "slack":
            given[ENV_SLACK_API_URL] = _api_url(environ, ENV_SLACK_API_URL)
        if name == "facebook":
            given[ENV_FACEBOOK_API_URL] = _api_url(environ, ENV_FACEBOOK_API_URL)
        channels[name] = given
    return MessagingSettings(channels)


def messaging_environment(
    messaging: MessagingSettings, telegram_webhook_secret: str | None
) -> dict[str, str]:
    """What the Rasa server reads for the channels that are on (credentials' `${...}`)."""
    env: dict[str, str] = {}
    for values in messaging.channels.values():
        env.update(values)
    if "telegram" in messaging.channels:
        if not telegram_webhook_secret:
            raise SettingsError("The telegram channel needs its webhook secret resolved first.")
        env[ENV_TELEGRAM_WEBHOOK_SECRET] = telegram_webhook_secret
    return env


def entries(text: str) -> dict[str, str]:
    """The top-level entries of a credentials file, each with its own lines (comments and
    formatting kept: the `${...}` placeholders must stay plain YAML scalars for Rasa)."""
    found: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines(keepends=True):
        if line[:1] not in ("", " ", "\t", "#", "\n", "\r"):
            current = line.split(":", 1)[0].strip()
            found[current] = ""
        if current is not None and line.strip() and not line.startswith("#"):
            found[current] += line
    return found


def credentials_text(enabled: list[str]) -> str:
    """credentials.yml with the entries of the `enabled` messaging channels appended."""
    optional = entries(MESSAGING_CREDENTIALS.read_text(encoding="utf-8"))
    parts = [BASE_CREDENTIALS.read_text(encoding="utf-8").rstrip("\n") + "\n"]
    for name in enabled:
        parts.append(f"\n# {name}: on, its KEFU_* variables are set\n{optional[CHANNELS[name][0]]}")
    return "".join(parts)


def credentials_file(messaging: MessagingSettings, folder: Path) -> Path:
    """The Rasa server's credentials file: credentials.yml itself when no messaging channel is
    on, else a copy with their entries written into `folder` (the launcher's private var/)."""
    if not messaging.enabled:
        return BASE_CREDENTIALS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / EFFECTIVE_CREDENTIALS
    path.write_text(
        "# Written by the launcher (kefu/messaging.py) on every start; edit credentials.yml\n"
        "# and credentials.messaging.yml instead.\n" + credentials_text(messaging.enabled),
        encoding="utf-8",
    )
    return path
