"""`python -m kefu run`: brings up Kefu on one machine and stops it all on Ctrl-C.

Order matters: the databases are checked first (Rasa's SQL tracker store would otherwise retry
forever, every 5 s, without saying why), then the CRM is migrated and seeded once, the model is
trained only if its inputs changed, the action server and the Rasa server load side by side
(while this process loads the NLP models), and the exchange logger follows the tracker store
until the very end.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crm_store.db import check_database, create_engine, create_sessionmaker
from crm_store.errors import DatabaseUnavailable
from crm_store.setup import prepare_database
from kefu.environments import (
    action_side_environment,
    console_side_environment,
    rasa_side_environment,
)
from kefu.messaging import credentials_file
from kefu.model_cache import TrainedModel, ensure_model
from kefu.paths import LOG_DIR, REPO_ROOT, VAR_DIR, use_encoder_cache
from kefu.private_files import SECRET_FILES, private_dir, resolve_secrets
from kefu.processes import (
    ManagedProcess,
    StartupError,
    action_server,
    console_server,
    port_is_free,
    rasa_server,
)
from kefu.settings import Secrets, Settings, loads_demo_data
from kefu.workers.base import Worker

if TYPE_CHECKING:
    from kefu.workers.broker_logger import BrokerLogger
    from kefu.workers.exchange_logger import ExchangeLogger

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Endpoints:
    rasa_url: str
    action_url: str
    console_port: int = 8000


def say(message: str) -> None:
    print(f"[kefu] {message}", flush=True)


def how_to_chat(endpoints: Endpoints) -> str:
    rest_token = (VAR_DIR / SECRET_FILES["rest_token"]).relative_to(REPO_ROOT)
    return f"""
Kefu is up.
  Rasa server   {endpoints.rasa_url}  (REST channel token in {rest_token})
  action server {endpoints.action_url}  (only the Rasa server may call it)
  console       http://127.0.0.1:{endpoints.console_port}/  (agents and admins; see below)
  web chat      http://127.0.0.1:{endpoints.console_port}/chat  (customers)
  logs          {LOG_DIR.relative_to(REPO_ROOT)}/

Chat in this terminal, like `rasa shell` but through the REST channel (so it is logged):
  .venv/bin/python -m kefu shell

Or send one message with curl (the REST channel serves trusted back ends: it needs the token):
  curl -s {endpoints.rasa_url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
       -H "Authorization: Bearer $(cat {rest_token})" \\
       -d '{{"sender": "demo-1", "message": "Hi, where is my order KF-500002?"}}'

Make the console's first admin (asks for a password):
  .venv/bin/python -m console create-user NAME --role admin

Demo customers are listed in README.md. Stop everything with Ctrl-C.
"""


async def check_databases(settings: Settings) -> None:
    for label, url, variable in (
        ("CRM database", settings.database.url, "KEFU_DATABASE_URL"),
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
        ("console", settings.console_port, "KEFU_CONSOLE_PORT"),
    ):
        if not port_is_free(port):
            raise StartupError(
                f"Port {port} for the {label} is in use (is Kefu already running?). "
                f"Stop that process or set {variable}."
            )


class StopRequested(Exception):
    """Ctrl-C or SIGTERM arrived while the system was still starting."""


@dataclass
class System:
    """Everything `run` starts, so that `shutdown` can stop exactly that, in reverse order."""

    settings: Settings
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    model: TrainedModel | None = None
    children: list[ManagedProcess] = field(default_factory=list)
    later_groups: list[list[ManagedProcess]] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)
    worker_tasks: list[asyncio.Task[None]] = field(default_factory=list)
    exchange_logger: ExchangeLogger | BrokerLogger | None = None
    secrets: Secrets = field(default_factory=Secrets)

    def __post_init__(self) -> None:
        self.tracker_engine = create_engine(self.settings.tracker_database_url)
        # The workers' writes are the exchange log (replayed from the tracker store from its
        # first event at every start, idempotent) and conversation scores: both rebuildable.
        self.crm_engine = create_engine(self.settings.database.url, rebuildable_writes=True)
        self.crm_sessions = create_sessionmaker(self.crm_engine)

    @property
    def endpoints(self) -> Endpoints:
        return Endpoints(
            rasa_url=f"http://127.0.0.1:{self.settings.rasa_port}",
            action_url=f"http://127.0.0.1:{self.settings.action_port}",
            console_port=self.settings.console_port,
        )

    def steps(self) -> list[tuple[str, Callable[[], Awaitable[None]]]]:
        """What `run` does, in order, each with what it tells the person at the terminal."""
        return [
            ("Checking the databases…", self.check),
            ("Migrating the CRM and loading demo data (first run only)…", self.prepare_crm),
            ("Checking the Rasa model (trains only when data or config changed)…", self.train),
            ("Starting the action server, the Rasa server and the console…", self.start_servers),
            # While the servers load (cold start), this process loads what its workers need.
            ("Loading the NLP models (trained on the CRM on the first run)…", self.load_nlp),
            ("Waiting for the servers to answer…", self.await_servers),
            ("Starting the exchange logger and the conversation scorer…", self.start_workers),
        ]

    async def check(self) -> None:
        if self.settings.is_production:
            from kefu.production import check_services, ensure_databases

            check_services(self.settings)
            for name in await ensure_databases(self.settings):
                say(f"  created the PostgreSQL database {name}")
            await check_databases(self.settings)
        else:
            await check_databases(self.settings)
            check_ports(self.settings)
        self.secrets = resolve_secrets(self.settings.secrets)

    async def prepare_crm(self) -> None:
        await prepare_database(self.settings.database, demo=loads_demo_data(self.settings))

    async def train(self) -> None:
        self.model = await asyncio.to_thread(ensure_model, log_file=LOG_DIR / "train.log")
        done = f"trained in {self.model.seconds:.0f} s" if self.model.trained_now else "up to date"
        say(f"Model {self.model.path.name} is {done}.")

    async def load_nlp(self) -> None:
        # Imported here, once the servers are loading: the NLP stack is a second of CPU that
        # would otherwise delay their start (cold start).
        from kefu.workers.broker_logger import BrokerLogger
        from kefu.workers.conversation_scorer import (
            ConversationScorer,
            ensure_nlp_models,
            load_nlp_models,
        )
        from kefu.workers.exchange_logger import ExchangeLogger

        models_dir = self.settings.models_dir
        trained = await ensure_nlp_models(self.crm_sessions, models_dir)
        if trained is not None:
            made = sorted(name for name, outcome in trained.items() if "skipped" not in outcome)
            say(f"Trained the NLP models on the CRM: {', '.join(made)}.")
        nlp_models = load_nlp_models(models_dir)
        if self.settings.is_production:
            # Fed by RabbitMQ; the tracker store is replayed only after a (re)connection.
            self.exchange_logger = BrokerLogger(
                self.settings.production.rabbitmq.url,
                self.settings.production.rabbitmq.queue,
                self.tracker_engine,
                self.crm_sessions,
                score_sentiment=nlp_models.sentiment.score,
            )
        else:
            self.exchange_logger = ExchangeLogger(
                self.tracker_engine, self.crm_sessions, score_sentiment=nlp_models.sentiment.score
            )
        scorer = ConversationScorer(
            self.crm_sessions, nlp_models, idle_minutes=self.settings.conversation_idle_minutes
        )
        self.workers = [self.exchange_logger, scorer]

    def server_groups(self) -> list[list[ManagedProcess]]:
        """The servers to start, group by group; a group starts at once, then is waited for."""
        assert self.model is not None, "the model step runs first"
        action_env = action_side_environment(self.settings, self.secrets)
        rasa_env = rasa_side_environment(self.settings, self.secrets)
        console = console_server(
            self.settings.console_port,
            console_side_environment(self.settings, self.secrets),
            LOG_DIR / "console.log",
        )
        # Credentials: the web channels, plus each messaging channel whose variables are set.
        credentials = credentials_file(self.settings.messaging, VAR_DIR)
        # Servers of one group load at once (cold start): the Rasa server calls the action
        # server only when a customer writes, and it is ready far later than the action server.
        if self.settings.is_production:
            from kefu.servers import production_servers

            servers = production_servers(
                self.settings,
                self.model.path,
                rasa_env,
                action_env,
                LOG_DIR,
                VAR_DIR / "nginx",
                credentials=credentials,
            )
            return [[*servers.actions, *servers.rasa, console], [servers.balancer]]
        return [
            [
                action_server(self.settings.action_port, action_env, LOG_DIR / "actions.log"),
                rasa_server(
                    self.settings.rasa_port,
                    self.model.path,
                    rasa_env,
                    LOG_DIR / "rasa.log",
                    credentials=credentials,
                ),
                console,
            ]
        ]

    async def start_servers(self) -> None:
        self.later_groups = self.server_groups()
        self.start_group(self.later_groups.pop(0))

    def start_group(self, group: list[ManagedProcess]) -> None:
        for child in group:
            say(f"  the {child.name} (log: {child.log_path.relative_to(REPO_ROOT)})")
            child.start()
            self.children.append(child)

    async def await_servers(self) -> None:
        # The first group loaded while this process loaded the NLP models (cold start); a later
        # group (the production profile's load balancer) starts once the one before answers.
        for child in list(self.children):
            await self.until_ready(child)
        for group in self.later_groups:
            self.start_group(group)
            for child in group:
                await self.until_ready(child)

    async def until_ready(self, child: ManagedProcess) -> None:
        """Wait for `child` to answer, unless a stop request comes first."""
        waiting = asyncio.create_task(asyncio.to_thread(child.wait_ready, 300))
        stopped = asyncio.create_task(self.stop.wait())
        done, _ = await asyncio.wait({waiting, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if stopped in done:
            waiting.cancel()
            raise StopRequested
        stopped.cancel()
        waiting.result()

    async def start_workers(self) -> None:
        self.worker_tasks = [asyncio.create_task(worker.run(self.stop)) for worker in self.workers]

    async def serve(self) -> None:
        """Until a stop request, or until a child process dies (then everything stops)."""
        while not self.stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stop.wait(), timeout=2)
            for child in self.children:
                if child.running:
                    continue
                say(f"The {child.name} stopped unexpectedly.\n{child.log_tail()}")
                if self.settings.is_production:
                    # One of several: the others serve while it starts again behind nginx.
                    say(f"Starting the {child.name} again.")
                    child.start()
                else:
                    self.stop.set()

    async def shutdown(self) -> None:
        say("Stopping…")
        for child in reversed(self.children):
            child.stop()
        self.stop.set()
        await asyncio.gather(*self.worker_tasks)
        added = 0
        if self.exchange_logger is not None:
            # A last pass so the replies of the final turns are in the CRM too.
            try:
                await self.exchange_logger.catch_up()
            except Exception:
                logger.exception("The final pass of the exchange logger failed; run reconcile.")
            added = self.exchange_logger.records_added
            from kefu.workers.broker_logger import BrokerLogger

            if isinstance(self.exchange_logger, BrokerLogger):
                await self.exchange_logger.close()
        await self.tracker_engine.dispose()
        await self.crm_engine.dispose()
        say(f"Stopped. {added} records logged in this run.")


async def run(settings: Settings) -> int:
    """Bring the system up step by step, serve until Ctrl-C or SIGTERM, then stop it all."""
    started = time.monotonic()
    # Databases, logs and secrets under var/ are the owner's alone.
    os.umask(0o077)
    private_dir(VAR_DIR)
    # This process, the Rasa server and the action server all load the sentence encoder.
    use_encoder_cache(os.environ)
    system = System(settings)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, system.stop.set)
    try:
        for message, step in system.steps():
            say(message)
            await step()
        say(f"Ready in {time.monotonic() - started:.0f} s.")
        print(how_to_chat(system.endpoints), flush=True)
        if settings.messaging.enabled:
            on = ", ".join(settings.messaging.enabled)
            say(f"Messaging channels on: {on} (webhooks under /webhooks/<name>/webhook).")
        await system.serve()
        return 0
    except StopRequested:
        return 130
    finally:
        await system.shutdown()
