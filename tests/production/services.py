"""Private PostgreSQL and RabbitMQ servers the production tests start, stop and start again.

The machine's own services are shared with other people's work: the tests never stop them.
PostgreSQL: a throw-away cluster from Debian's initdb/pg_ctl, run as the `postgres` user when
the tests run as root (PostgreSQL refuses to run as root). RabbitMQ: a second node of the
installed rabbitmq-server with its own name, ports and data folder. Redis is only the lock
store; the tests use the machine's under a key prefix of their own.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from kefu.processes import free_port_run
from kefu.production import reachable

PG_BIN = Path("/usr/lib/postgresql/15/bin")
RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")
REDIS = ("127.0.0.1", 6379)


def _pg_bin() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return next((path for path in candidates if (path / "pg_ctl").exists()), None)


def missing_binaries() -> str | None:
    """Why the production tests cannot run here (None when they can)."""
    if _pg_bin() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) not installed"
    if os.geteuid() == 0 and not _user_exists("postgres"):
        return "running as root and there is no postgres user to run a cluster as"
    if not (RABBIT_BIN / "rabbitmq-server").exists():
        return "rabbitmq-server not installed"
    if shutil.which("nginx", path="/usr/sbin:/usr/bin") is None:
        return "nginx not installed"
    if not reachable(*REDIS):
        return "Redis is not running on 127.0.0.1:6379 (the lock store)"
    return None


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster in a temporary folder, on a loopback port of its own."""

    port: int = field(default_factory=lambda: free_port_run(1))
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kefu-pg-")))

    def _as_owner(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], capture_output=True, text=True, check=True, timeout=60
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        bin_dir = _pg_bin()
        assert bin_dir is not None
        self.bin = bin_dir
        self._as_owner(
            str(bin_dir / "initdb"), "-D", str(self.folder / "data"), "-A", "trust",
            "-U", "postgres", "--no-sync",
        )  # fmt: skip
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200"
        )
        self._as_owner(
            str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"),
            "-l", str(self.folder / "server.log"), "-w", "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._as_owner(
            str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"
        )

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create(self, database: str) -> str:
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres"
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{database}"')
        connection.close()
        return self.url(database)

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class PrivateRabbit:
    """A RabbitMQ node of its own (name, ports, data), loopback only."""

    port: int = field(default_factory=lambda: free_port_run(2))
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kefu-mq-")))
    node: str = field(default_factory=lambda: f"kefu_test_{uuid.uuid4().hex[:8]}@localhost")

    @property
    def env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.folder),  # its own Erlang cookie
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.port + 1),
            # Every Erlang node of it on loopback: the server, rabbitmqctl and the node its start
            # script runs to start epmd (each listened on 0.0.0.0 with the server's flag alone).
            "ERL_AFLAGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "RABBITMQ_MNESIA_BASE": str(self.folder / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.folder / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.folder / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.folder / "rabbitmq"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.folder / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(self.folder / "rabbitmq-env.conf"),
            "RABBITMQ_PID_FILE": str(self.folder / "pid"),
        }

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def ctl(self, *args: str, timeout: float = 90) -> None:
        subprocess.run(
            [str(RABBIT_BIN / "rabbitmqctl"), "-n", self.node, *args],
            env=self.env,
            capture_output=True,
            check=True,
            timeout=timeout,
        )

    def boot(self) -> None:
        (self.folder / "enabled_plugins").write_text("[].\n")
        log = open(self.folder / "server.out", "ab")  # noqa: SIM115 - the node writes to it
        self.process = subprocess.Popen(
            [str(RABBIT_BIN / "rabbitmq-server")],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        # await_startup gives up at once while the node is not registered yet: ask again.
        deadline = time.monotonic() + 120
        while True:
            try:
                self.ctl("await_startup", "--timeout", "60", timeout=70)
                return
            except subprocess.CalledProcessError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    tail = (self.folder / "server.out").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"rabbitmq-server did not start:\n{tail}") from None
                time.sleep(1)

    def stop_broker(self) -> None:
        """The broker goes away (its AMQP port closes); the node stays for `start_broker`."""
        self.ctl("stop_app")

    def start_broker(self) -> None:
        self.ctl("start_app")
        deadline = time.monotonic() + 30
        while not reachable("127.0.0.1", self.port) and time.monotonic() < deadline:
            time.sleep(0.2)

    def destroy(self) -> None:
        try:
            self.ctl("stop", timeout=30)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.process.kill()
        self.process.wait(30)
        shutil.rmtree(self.folder, ignore_errors=True)
