"""`python -m bot run`: brings up Kefu on one machine and stops it all on Ctrl-C.

Order matters: the databases are checked first (Rasa's SQL tracker store would otherwise retry
forever, every 5 s, without saying why), then the CRM is migrated and seeded once, the model is
trained only if its inputs changed, the action server starts before the Rasa server, and the
exchange logger follows the tracker store until the very end.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
import time
from dataclasses import dataclass

from bot.conversation_scorer import ConversationScorer, ensure_nlp_models, load_nlp_models
from bot.exchange_logger import ExchangeLogger
from bot.model_cache import ensure_model
from bot.paths import LOG_DIR, REPO_ROOT
from bot.processes import ManagedProcess, StartupError, action_server, port_is_free, rasa_server
from crm_store.db import check_database, create_engine, create_sessionmaker
from crm_store.errors import DatabaseUnavailable
from crm_store.settings import Settings
from crm_store.setup import prepare_database

logger = logging.getLogger(__name__)

TOKEN_FILE = REPO_ROOT / "var" / "rasa-api-token"


@dataclass(frozen=True)
class Endpoints:
    rasa_url: str
    action_url: str
    api_token: str


def say(message: str) -> None:
    print(f"[kefu] {message}", flush=True)


def api_token(settings: Settings) -> str:
    """The Rasa HTTP API token: from settings, else one generated once and kept under var/."""
    if settings.rasa_api_token:
        return settings.rasa_api_token
    if not TOKEN_FILE.exists():
        TOKEN_FILE.parent.mkdir(parents=True, exist_ok=True)
        TOKEN_FILE.write_text(secrets.token_urlsafe(24))
        TOKEN_FILE.chmod(0o600)
    return TOKEN_FILE.read_text().strip()


def rasa_side_environment(settings: Settings) -> dict[str, str]:
    """The KEFU_* values endpoints.yml and the input guard read inside the Rasa process."""
    return {
        "KEFU_ACTION_ENDPOINT_URL": f"http://127.0.0.1:{settings.action_port}/webhook",
        "KEFU_TRACKER_DATABASE_URL": settings.tracker_database_url,
        "KEFU_MAX_MESSAGE_CHARS": str(settings.max_message_chars),
        "KEFU_REPLY_TIMEOUT_SECONDS": str(settings.reply_timeout_seconds),
    }


def how_to_chat(endpoints: Endpoints) -> str:
    return f"""
Kefu is up.
  Rasa server   {endpoints.rasa_url}  (HTTP API token in {TOKEN_FILE.relative_to(REPO_ROOT)})
  action server {endpoints.action_url}
  logs          {LOG_DIR.relative_to(REPO_ROOT)}/

Chat in this terminal, like `rasa shell` but through the REST channel (so it is logged):
  .venv/bin/python -m bot shell

Or send one message with curl:
  curl -s {endpoints.rasa_url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
       -d '{{"sender": "demo-1", "message": "Hi, where is my order KF-500002?"}}'

Demo customers are listed in README.md. Stop everything with Ctrl-C.
"""


async def check_databases(settings: Settings) -> None:
    for label, url, variable in (
        ("CRM database", settings.database_url, "KEFU_DATABASE_URL"),
        ("tracker store database", settings.tracker_database_url, "KEFU_TRACKER_DATABASE_URL"),
    ):
        try:
            await check_database(url)
        except DatabaseUnavailable as error:
            raise StartupError(
                f"Cannot reach the {label}: {error}\n"
                f"Start it, or point {variable} at one that runs."
            ) from error


def check_ports(settings: Settings) -> None:
    for label, port, variable in (
        ("Rasa server", settings.rasa_port, "KEFU_RASA_PORT"),
        ("action server", settings.action_port, "KEFU_ACTION_PORT"),
    ):
        if not port_is_free(port):
            raise StartupError(
                f"Port {port} for the {label} is in use (is Kefu already running?). "
                f"Stop that process or set {variable}."
            )


async def run(settings: Settings) -> int:
    """Bring the system up, serve until Ctrl-C or SIGTERM, then stop it all."""
    started = time.monotonic()
    say("Checking the databases…")
    await check_databases(settings)
    check_ports(settings)
    say("Migrating the CRM and loading demo data (first run only)…")
    await prepare_database(settings)

    say("Checking the Rasa model (trains only when data or config changed)…")
    model = await asyncio.to_thread(ensure_model, log_file=LOG_DIR / "train.log")
    say(
        f"Model {model.path.name} "
        + (f"trained in {model.seconds:.0f} s." if model.trained_now else "is up to date.")
    )

    token = api_token(settings)
    endpoints = Endpoints(
        rasa_url=f"http://127.0.0.1:{settings.rasa_port}",
        action_url=f"http://127.0.0.1:{settings.action_port}",
        api_token=token,
    )
    children: list[ManagedProcess] = [
        action_server(settings.action_port, {}, LOG_DIR / "actions.log"),
        rasa_server(
            settings.rasa_port,
            model.path,
            token,
            rasa_side_environment(settings),
            LOG_DIR / "rasa.log",
        ),
    ]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    tracker_engine = create_engine(settings.tracker_database_url)
    crm_engine = create_engine(settings.database_url)
    crm_sessions = create_sessionmaker(crm_engine)
    trained = await ensure_nlp_models(crm_sessions, settings.models_dir)
    if trained is not None:
        made = sorted(name for name, outcome in trained.items() if "skipped" not in outcome)
        say(f"Trained the NLP models on the CRM (first run only): {', '.join(made)}.")
    nlp_models = load_nlp_models(settings.models_dir)
    exchange_logger = ExchangeLogger(
        tracker_engine, crm_sessions, score_sentiment=nlp_models.sentiment.score
    )
    scorer = ConversationScorer(
        crm_sessions, nlp_models, idle_minutes=settings.conversation_idle_minutes
    )
    worker_tasks: list[asyncio.Task[None]] = []
    try:
        for child in children:
            say(f"Starting the {child.name} (log: {child.log_path.relative_to(REPO_ROOT)})…")
            child.start()
            waiting = asyncio.create_task(asyncio.to_thread(child.wait_ready, 300))
            stopped = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({waiting, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if stopped in done:
                waiting.cancel()
                return 130
            stopped.cancel()
            waiting.result()
        worker_tasks = [
            asyncio.create_task(exchange_logger.run(stop)),
            asyncio.create_task(scorer.run(stop)),
        ]
        say(f"Ready in {time.monotonic() - started:.0f} s.")
        print(how_to_chat(endpoints), flush=True)
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=2)
            for child in children:
                if not child.running:
                    say(f"The {child.name} stopped unexpectedly.\n{child.log_tail()}")
                    stop.set()
        return 0
    finally:
        say("Stopping…")
        for child in reversed(children):
            child.stop()
        stop.set()
        await asyncio.gather(*worker_tasks)
        # A last pass so the replies of the final turns are in the CRM too.
        with contextlib.suppress(Exception):
            await exchange_logger.catch_up()
        await tracker_engine.dispose()
        await crm_engine.dispose()
        say(f"Stopped. {exchange_logger.records_added} records logged in this run.")
