"""Child processes: started with their log, ready when their URL answers, stopped in time."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from kefu.processes import ManagedProcess, StartupError, free_port, port_is_free


def http_server(port: int, log: Path, delay: float = 0.0) -> ManagedProcess:
    """Python's own HTTP server, answering after `delay` seconds."""
    code = (
        "import http.server, time\n"
        f"time.sleep({delay})\n"
        f"http.server.test(http.server.SimpleHTTPRequestHandler, port={port}, bind='127.0.0.1')\n"
    )
    return ManagedProcess(
        name="test server",
        command=[sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin"},
        ready_url=f"http://127.0.0.1:{port}/",
        log_path=log,
    )


def test_a_child_is_ready_when_its_url_answers_and_stops_on_request(tmp_path: Path) -> None:
    port = free_port()
    child = http_server(port, tmp_path / "log" / "server.log", delay=0.5)
    child.start()
    try:
        assert child.wait_ready(30) >= 0.5
        assert child.running and not port_is_free(port)
    finally:
        child.stop()
    assert not child.running
    assert (tmp_path / "log" / "server.log").exists()


def test_a_child_that_dies_while_starting_is_reported_with_its_log(tmp_path: Path) -> None:
    child = ManagedProcess(
        name="doomed",
        command=[sys.executable, "-c", "import sys; print('missing config'); sys.exit(3)"],
        env={},
        ready_url=f"http://127.0.0.1:{free_port()}/",
        log_path=tmp_path / "doomed.log",
    )
    child.start()
    with pytest.raises(StartupError, match="exited with code 3") as raised:
        child.wait_ready(30)
    assert "missing config" in str(raised.value)


def test_a_port_in_use_is_not_free() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert not port_is_free(taken.getsockname()[1])
    assert port_is_free(free_port())


def test_a_port_is_handed_out_once_even_before_anything_binds_it() -> None:
    # A test stack asks for its Rasa and action ports before either server binds its own.
    ports = [free_port() for _ in range(2000)]
    assert len(set(ports)) == len(ports)
