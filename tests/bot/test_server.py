"""bot/server.py: the `rasa run` command line it builds reads back as meant, and the core it
keeps to."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

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


def _affinity_after(value: str) -> tuple[str, set[int]]:
    """keep_to_cpu(value) in a child process (it would pin the test run itself)."""
    code = (
        "import os, sys; from bot.server import keep_to_cpu; "
        "print(keep_to_cpu(sys.argv[1]), sorted(os.sched_getaffinity(0)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, value], capture_output=True, text=True, check=True
    ).stdout.split(" ", 1)
    return out[0], set(ast.literal_eval(out[1]))


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores to choose from")
def test_the_server_keeps_to_the_core_it_is_given() -> None:
    last = max(os.sched_getaffinity(0))
    assert _affinity_after(str(last)) == (str(last), {last})


@pytest.mark.parametrize("value", ["", "one", "4096"])
def test_a_core_it_cannot_have_leaves_it_free(value: str) -> None:
    assert _affinity_after(value) == ("None", os.sched_getaffinity(0))
