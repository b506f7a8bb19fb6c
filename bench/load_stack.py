"""The two bots the load suite drives: Kefu's whole stack, and a plain `rasa init` bot.

Kefu starts as a person starts it, `python -m kefu run` (the launcher: CRM, model check, NLP
models, action server, Rasa server, exchange logger), on its own SQLite files and ports, with the
CRM migrated and seeded beforehand so each start is a second `make run`, not a first. The plain
bot is `rasa init --no-prompt` (DIET + TED, in-memory tracker store, no actions), built once in a
temporary folder and cached with its trained model under var/bench-load/plain. Both listen on
loopback only. Cold start is the time from starting the command to the first reply.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
from dataclasses import dataclass
from pathlib import Path

from kefu.paths import RASA_BIN, REPO_ROOT, VAR_DIR, rasa_environment
from kefu.processes import free_port, stop_group
from kefu.shell import send

CACHE_DIR = VAR_DIR / "bench-load"
PLAIN_DIR = CACHE_DIR / "plain"


@dataclass
class RunningBot:
    """A started bot: where to reach it, and how long it took to answer first."""

    name: str
    rasa_url: str
    token: str | None
    crm_url: str | None
    process: subprocess.Popen[bytes]
    log_path: Path
    cold_start_s: float = 0.0

    def stop(self, grace: float = 60.0) -> None:
        """Ctrl-C, as a person stops it (the launcher then stops its children in order)."""
        stop_group(self.process, signal.SIGINT, grace)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def spawn_logged(
    command: list[str], cwd: Path, env: dict[str, str], log_path: Path
) -> subprocess.Popen:
    """`command` in its own process group, its output appended to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def wait_first_reply(bot: RunningBot, started: float, timeout: float = 600.0) -> float:
    """Send "hello" every half second until a reply comes; the seconds since `started`."""
    while time.monotonic() - started < timeout:
        if bot.process.poll() is not None:
            raise RuntimeError(f"the {bot.name} bot exited while starting:\n{bot.log_tail()}")
        try:
            if send(
                bot.rasa_url, f"cold-start-{secrets.token_hex(4)}", "hello", bot.token or "", 10
            ):
                return time.monotonic() - started
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.5)
    bot.stop()
    raise RuntimeError(f"the {bot.name} bot did not answer within {timeout:.0f} s")


def kefu_environment(workdir: Path) -> dict[str, str]:
    """Kefu's settings for a benchmark run: its own databases, ports and secrets."""
    return {
        "KEFU_DATABASE_URL": f"sqlite:///{workdir / 'kefu.db'}",
        "KEFU_TRACKER_DATABASE_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "KEFU_RASA_PORT": str(free_port()),
        "KEFU_ACTION_PORT": str(free_port()),
        "KEFU_CONSOLE_PORT": str(free_port()),
        "KEFU_DEMO_DATA": "on",
        # The NLP models are trained on the demo CRM once and kept, like the Rasa model.
        "KEFU_MODELS_DIR": str(CACHE_DIR / "nlp-models"),
        "KEFU_REST_TOKEN": secrets.token_urlsafe(24),
        "KEFU_ACTION_SERVER_TOKEN": secrets.token_urlsafe(24),
        "KEFU_CHAT_SECRET": secrets.token_urlsafe(24),
    }


def prepare_kefu(workdir: Path) -> dict[str, str]:
    """Migrate and seed the benchmark's CRM once, so that every start finds it ready."""
    import asyncio

    from crm_store.setup import prepare_database
    from kefu.settings import load_settings

    workdir.mkdir(parents=True, exist_ok=True)
    environ = kefu_environment(workdir)
    asyncio.run(prepare_database(load_settings(environ).database, demo=True))
    return environ


def start_kefu(environ: dict[str, str], log_path: Path) -> RunningBot:
    """`python -m kefu run` with `environ` (from prepare_kefu); returns once it has answered."""
    env = {**os.environ, **environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    process = spawn_logged([sys.executable, "-m", "kefu", "run"], REPO_ROOT, env, log_path)
    bot = RunningBot(
        name="kefu",
        rasa_url=f"http://127.0.0.1:{environ['KEFU_RASA_PORT']}",
        token=environ["KEFU_REST_TOKEN"],
        crm_url=environ["KEFU_DATABASE_URL"],
        process=process,
        log_path=log_path,
    )
    return _answered(bot, started)


def _answered(bot: RunningBot, started: float) -> RunningBot:
    """`bot` once it has answered (cold start measured from `started`); stopped if it never does."""
    try:
        bot.cold_start_s = wait_first_reply(bot, started)
    except BaseException:
        bot.stop()
        raise
    return bot


def ensure_plain_bot(target: Path = PLAIN_DIR) -> Path:
    """The `rasa init` project with its trained model, built in a temporary folder once."""
    if list((target / "models").glob("*.tar.gz")):
        return target
    with tempfile.TemporaryDirectory(prefix="kefu-plain-rasa-") as tmp:
        project = Path(tmp) / "plain"
        project.mkdir()  # rasa init refuses a folder that does not exist
        subprocess.run(
            [str(RASA_BIN), "init", "--no-prompt", "--init-dir", str(project)],
            cwd=tmp,
            env=rasa_environment(),
            check=True,
            capture_output=True,
        )
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(project, target)
    return target


def start_plain(log_path: Path, project: Path = PLAIN_DIR) -> RunningBot:
    """`rasa run` of the plain bot on a free loopback port; returns once it has answered."""
    port = free_port()
    command = [
        str(RASA_BIN),
        "run",
        "--model",
        "models",
        "--credentials",
        "credentials.yml",
        "--endpoints",
        "endpoints.yml",
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
    ]
    env = rasa_environment()
    env.pop("PYTHONPATH", None)  # nothing of Kefu's in the plain bot
    started = time.monotonic()
    process = spawn_logged(command, project, env, log_path)
    bot = RunningBot("plain", f"http://127.0.0.1:{port}", None, None, process, log_path)
    return _answered(bot, started)
