"""The CRM's own settings (its database and demo seed), and the parsing every KEFU_* loader shares.

`kefu.settings.load_settings()` is the one loader of the running system; it reads these through
`load_database_settings()`, so the CRM's CLI and Alembic, which run without the rest of the
system, read them the same way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

ENV_DATABASE_URL = "KEFU_DATABASE_URL"
ENV_DB_TIMEOUT_SECONDS = "KEFU_DB_TIMEOUT_SECONDS"
ENV_SEED = "KEFU_SEED"

# The repository's var/ folder, beside this package: the embedded default keeps its SQLite
# files there (kefu.paths.VAR_DIR is the same folder, a test checks it).
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "var"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATA_DIR / 'kefu.db'}"
DEFAULT_DB_TIMEOUT_SECONDS = 2.0
DEFAULT_SEED = 7

# The plain (sync) URL schemes we accept; crm_store.db derives the async drivers from them.
_URL_SCHEMES = ("sqlite", "postgresql", "postgres")
URL_HINT = "a database URL like sqlite:///path/to/file.db or postgresql://user@host:5432/db"

T = TypeVar("T")


class SettingsError(ValueError):
    """A KEFU_* variable has a value we cannot use; the message names the variable."""


def read_setting(
    environ: Mapping[str, str], name: str, default: T, parse: Callable[[str], T], expected: str
) -> T:
    """`environ[name]` parsed, or `default` when unset or blank; SettingsError names it."""
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse(raw.strip())
    except ValueError:
        # The value may hold a password (a database URL): never echo it whole.
        raise SettingsError(f"{name} must be {expected}, got {_masked(raw)!r}.") from None


def _masked(raw: str) -> str:
    """`raw` with anything between '://user:' and '@' hidden."""
    scheme, separator, rest = raw.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not (separator and at and ":" in credentials):
        return raw
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


def database_url(value: str) -> str:
    scheme = value.split(":", 1)[0].split("+", 1)[0].lower()
    if "://" not in value or scheme not in _URL_SCHEMES:
        raise ValueError(value)
    return value


def positive_float(value: str) -> float:
    number = float(value)
    if not number > 0 or number == float("inf"):
        raise ValueError(value)
    return number


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = DEFAULT_DATABASE_URL
    timeout_seconds: float = DEFAULT_DB_TIMEOUT_SECONDS
    seed: int = DEFAULT_SEED


def load_database_settings(environ: Mapping[str, str] = os.environ) -> DatabaseSettings:
    """KEFU_DATABASE_URL, KEFU_DB_TIMEOUT_SECONDS and KEFU_SEED, validated."""
    return DatabaseSettings(
        url=read_setting(environ, ENV_DATABASE_URL, DEFAULT_DATABASE_URL, database_url, URL_HINT),
        timeout_seconds=read_setting(
            environ,
            ENV_DB_TIMEOUT_SECONDS,
            DEFAULT_DB_TIMEOUT_SECONDS,
            positive_float,
            "a positive number of seconds",
        ),
        seed=read_setting(environ, ENV_SEED, DEFAULT_SEED, int, "a whole number"),
    )
