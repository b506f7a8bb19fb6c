"""bot/server.py: the `rasa run` command line it builds reads back as meant."""

from __future__ import annotations

import pytest
from rasa.__main__ import create_argument_parser

from bot.server import rasa_arguments


@pytest.mark.parametrize("secret", ["plain-secret", "-starts-with-a-dash", "--looks-like-a-flag"])
def test_the_jwt_secret_is_read_as_given_whatever_it_starts_with(secret: str) -> None:
    command = rasa_arguments(["--port", "5005"], secret)
    args = create_argument_parser().parse_args(command[1:])
    assert (args.jwt_secret, args.enable_api, args.port) == (secret, True, 5005)


def test_without_a_secret_the_api_stays_off() -> None:
    args = create_argument_parser().parse_args(rasa_arguments(["--port", "5005"], None)[1:])
    assert not args.enable_api and args.jwt_secret is None


@pytest.mark.parametrize(
    ("given", "interface"),
    [([], "127.0.0.1"), (["--interface", "10.0.0.5"], "10.0.0.5"), (["-i", "::1"], "::1")],
)
def test_loopback_unless_an_interface_is_given(given: list[str], interface: str) -> None:
    """`rasa run` listens on 0.0.0.0 by default; `python -m bot.server` by hand does not."""
    command = rasa_arguments(["--port", "5005", *given], None)
    assert create_argument_parser().parse_args(command[1:]).interface == interface
