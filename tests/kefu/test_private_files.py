"""var/ is private: created 0700, secrets generated once into 0600 files, given ones kept."""

from __future__ import annotations

import stat
from pathlib import Path

from kefu.private_files import (
    SECRET_FILES,
    client_rest_token,
    private_dir,
    resolve_secrets,
    write_private,
)
from kefu.settings import Secrets


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secrets_are_generated_once_into_owner_only_files(tmp_path: Path) -> None:
    folder = tmp_path / "var"
    first = resolve_secrets(Secrets(), folder)
    again = resolve_secrets(Secrets(), folder)
    assert first == again
    assert len({first.rest_token, first.action_server_token, first.chat_secret}) == 3
    assert all(len(str(getattr(first, name))) >= 32 for name in SECRET_FILES)
    assert mode(folder) == 0o700
    assert all(mode(folder / file) == 0o600 for file in SECRET_FILES.values())


def test_a_secret_given_in_the_environment_wins_and_is_not_written(tmp_path: Path) -> None:
    given = Secrets(rest_token="r" * 20)
    resolved = resolve_secrets(given, tmp_path)
    assert resolved.rest_token == "r" * 20
    assert not (tmp_path / SECRET_FILES["rest_token"]).exists()
    assert client_rest_token(given, tmp_path) == "r" * 20


def test_a_client_never_generates_the_rest_token(tmp_path: Path) -> None:
    assert client_rest_token(Secrets(), tmp_path) is None
    assert not any(tmp_path.iterdir())


def test_private_files_are_never_readable_by_others(tmp_path: Path) -> None:
    folder = private_dir(tmp_path / "private")
    folder.chmod(0o755)
    private_dir(folder)
    write_private(folder / "x", "secret")
    assert (mode(folder), mode(folder / "x")) == (0o700, 0o600)
