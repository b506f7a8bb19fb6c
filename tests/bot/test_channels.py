"""The guarded channels read their limits from credentials.yml, as Rasa creates them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.run import create_http_input_channels

from bot.channels import GuardedRestInput, GuardedSocketIOInput
from bot.guard import GuardLimits

CREDENTIALS = Path(__file__).resolve().parents[2] / "credentials.yml"


def test_the_project_credentials_create_both_guarded_channels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KEFU_MAX_MESSAGE_CHARS", "1234")
    monkeypatch.setenv("KEFU_REPLY_TIMEOUT_SECONDS", "4.5")
    channels = create_http_input_channels(None, str(CREDENTIALS))
    by_name = {channel.name(): channel for channel in channels}
    assert set(by_name) == {"rest", "socketio"}
    rest, socketio = by_name["rest"], by_name["socketio"]
    assert isinstance(rest, GuardedRestInput) and isinstance(socketio, GuardedSocketIOInput)
    assert rest.limits == socketio.limits == GuardLimits(1234, 4.5)
    # Rasa's own socket.io settings still reach the channel.
    assert socketio.session_persistence is True


def test_without_the_launchers_settings_the_server_does_not_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KEFU_MAX_MESSAGE_CHARS", raising=False)
    monkeypatch.setenv("KEFU_REPLY_TIMEOUT_SECONDS", "4.5")
    with pytest.raises(Exception, match="KEFU_MAX_MESSAGE_CHARS"):
        create_http_input_channels(None, str(CREDENTIALS))
