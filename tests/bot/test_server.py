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
