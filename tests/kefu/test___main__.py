"""`python -m kefu`: its commands, and clear errors for bad arguments and bad settings."""

from __future__ import annotations

import pytest

from kefu.__main__ import main


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--help"])
    assert raised.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "train", "shell", "reconcile", "nlp"):
        assert command in out


def test_an_unknown_argument_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["run", "--fast"])
    assert raised.value.code == 2
    assert "unrecognized arguments: --fast" in capsys.readouterr().err


def test_a_bad_setting_stops_before_anything_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KEFU_ACTION_PORT", "99999")
    assert main(["reconcile"]) == 2
    assert "KEFU_ACTION_PORT" in capsys.readouterr().err
