"""The Rasa server and the action server as child processes: start, wait until they answer, stop."""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kefu.paths import RASA_PYTHON, REPO_ROOT, rasa_environment


class StartupError(RuntimeError):
    """A part of the system did not come up; the message says which and where its log is."""


@dataclass
class ManagedProcess:
    """One child process with its log file and the URL that answers when it is ready."""

    name: str
    command: list[str]
    env: dict[str, str]
    ready_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child writes to it for its lifetime
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches the launcher, which stops children in order
        )
        log.close()

    def wait_ready(self, timeout: float) -> float:
        """Block until `ready_url` answers 200; return the seconds it took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process is not None and self.process.poll() is not None:
                raise StartupError(
                    f"The {self.name} exited with code {self.process.returncode} while starting."
                    f"\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.ready_url, timeout=2) as reply:
                    if reply.status == 200:
                        return time.monotonic() - started
            except (urllib.error.URLError, OSError, http.client.HTTPException):
                # HTTPException: while nothing listens yet, a connection to a port in the
                # ephemeral range can meet itself (TCP self-connect) and read back its request.
                pass
            time.sleep(0.5)
        raise StartupError(
            f"The {self.name} did not answer at {self.ready_url} within {timeout:.0f} s."
            f"\n{self.log_tail()}"
        )

    def stop(self, grace: float = 15.0) -> None:
        if self.process is not None:
            stop_group(self.process, signal.SIGTERM, grace)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            tail = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except FileNotFoundError:
            return f"(no log at {self.log_path})"
        return f"Last lines of {self.log_path}:\n" + "\n".join(tail)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def stop_group(process: subprocess.Popen[bytes], first: signal.Signals, grace: float) -> None:
    """`first` to the process's group; SIGKILL if it has not ended within `grace` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, first)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# Ports this process has handed out: a server told to use one may not have bound it yet, so
# a probe would find it free and hand it out twice (CI once gave the Rasa server and the action
# server the same port that way).
_handed_out: set[int] = set()


def free_port() -> int:
    """A free loopback port that this process has not handed out before."""
    return free_port_run(1)


def free_port_run(count: int) -> int:
    """The first of `count` consecutive free loopback ports (instances on consecutive ports)."""
    # Below Linux's ephemeral range (32768+): a client socket never takes these ports meanwhile.
    for _ in range(500):
        base = random.randrange(20000, 32000 - count)
        ports = range(base, base + count)
        if _handed_out.isdisjoint(ports) and all(_bindable(port) for port in ports):
            _handed_out.update(ports)
            return base
    raise RuntimeError("no run of free loopback ports")


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def action_server(
    port: int, env: Mapping[str, str], log_path: Path, python: str = sys.executable
) -> ManagedProcess:
    """The action server (app environment): rasa-sdk behind its token (`python -m actions`)."""
    return _app_server("action server", "actions", "KEFU_ACTION_PORT", port, env, log_path, python)


def console_server(
    port: int, env: Mapping[str, str], log_path: Path, python: str = sys.executable
) -> ManagedProcess:
    """The console (app environment): `python -m console`, ready when /health answers."""
    return _app_server("console", "console", "KEFU_CONSOLE_PORT", port, env, log_path, python)


def _app_server(
    name: str,
    module: str,
    port_variable: str,
    port: int,
    env: Mapping[str, str],
    log_path: Path,
    python: str,
) -> ManagedProcess:
    """`python -m module` of the app environment, told its port, ready when /health answers."""
    child_env = {**os.environ, **env, port_variable: str(port), "PYTHONUNBUFFERED": "1"}
    return ManagedProcess(
        name=name,
        command=[python, "-m", module],
        env=child_env,
        ready_url=f"http://127.0.0.1:{port}/health",
        log_path=log_path,
    )


def rasa_server(
    port: int,
    model: Path,
    env: Mapping[str, str],
    log_path: Path,
    cors_origin: str | None = None,
    endpoints: str = "endpoints.yml",
    credentials: str | Path = "credentials.yml",
) -> ManagedProcess:
    """`rasa run` (Rasa environment) with Kefu's guarded channels, on loopback.

    Rasa's HTTP API is on only when `env` holds KEFU_RASA_JWT_SECRET (see bot/server.py); its
    CORS allows `cors_origin` alone, never "*". `credentials` is the launcher's file when a
    messaging channel is on (kefu/messaging.py).
    """
    command = [
        str(RASA_PYTHON),
        "-m",
        "bot.server",
        "--model",
        str(model),
        "--endpoints",
        endpoints,
        "--credentials",
        str(credentials),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
    ]
    if cors_origin:
        command += ["--cors", cors_origin]
    return ManagedProcess(
        name="Rasa server",
        command=command,
        env=rasa_environment(env),
        ready_url=f"http://127.0.0.1:{port}/webhooks/rest/",
        log_path=log_path,
    )
