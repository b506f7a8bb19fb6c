"""The production profile on loopback for the tests: two Rasa servers and two action servers
behind nginx, on a private PostgreSQL and RabbitMQ, with the RabbitMQ exchange logger.

Built from the same pieces the launcher uses (kefu/servers.py, BrokerLogger), so a test can
kill and restart each one. The logger runs on its own event loop in a thread, as it runs
beside the servers in the launcher, while the test's loop drives the load.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import Target
from crm_store.db import create_engine, create_sessionmaker
from kefu.environments import action_side_environment, rasa_side_environment
from kefu.processes import ManagedProcess, action_server, free_port_run
from kefu.servers import ProductionServers, action_ports, production_servers, rasa_ports
from kefu.settings import Secrets, Settings
from kefu.workers.broker_logger import BrokerLogger
from kefu.workers.tracker_events import reconcile
from nlp.sentiment import SentimentModel
from tests.production.services import PrivatePostgres, PrivateRabbit


def production_environ(postgres: PrivatePostgres, rabbit: PrivateRabbit) -> dict[str, str]:
    """KEFU_* for a production profile on the private services and free loopback ports."""
    rasa_base, action_base = free_port_run(3), free_port_run(3)
    return {
        "KEFU_PROFILE": "production",
        "KEFU_DATABASE_URL": postgres.url("kefu"),
        "KEFU_TRACKER_DATABASE_URL": postgres.url("kefu_tracker"),
        "KEFU_RASA_PORT": str(rasa_base),
        "KEFU_ACTION_PORT": str(action_base),
        "KEFU_CONSOLE_PORT": str(free_port_run(1)),
        "KEFU_RABBITMQ_URL": rabbit.url,
        "KEFU_REDIS_KEY_PREFIX": f"kefutest{uuid.uuid4().hex[:8]}",
        "KEFU_DEMO_DATA": "on",
    }


class LoggerThread:
    """The exchange logger (RabbitMQ) running on its own loop until `close()`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.started = threading.Event()
        self.thread = threading.Thread(target=asyncio.run, args=(self._main(),), daemon=True)
        self.logger: BrokerLogger | None = None

    async def _main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.stop = asyncio.Event()
        tracker = create_engine(self.settings.tracker_database_url)
        crm = create_engine(self.settings.database.url)
        self.logger = BrokerLogger(
            self.settings.production.rabbitmq.url,
            self.settings.production.rabbitmq.queue,
            tracker,
            create_sessionmaker(crm),
            score_sentiment=SentimentModel().score,
        )
        self.started.set()
        try:
            await self.logger.run(self.stop)
        finally:
            await tracker.dispose()
            await crm.dispose()

    def start(self) -> None:
        self.thread.start()
        self.started.wait(30)

    def close(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.stop.set)
            self.thread.join(30)


@dataclass
class Cluster:
    settings: Settings
    secrets: Secrets
    servers: ProductionServers
    postgres: PrivatePostgres
    rabbit: PrivateRabbit
    model: Path
    workdir: Path
    logger: LoggerThread | None = None
    action_env: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> Target:
        """The customers' way in: nginx."""
        return Target(f"http://127.0.0.1:{self.settings.rasa_port}", self.secrets.rest_token)

    def instance(self, index: int) -> Target:
        """One Rasa server directly, past nginx."""
        return Target(
            f"http://127.0.0.1:{rasa_ports(self.settings)[index]}", self.secrets.rest_token
        )

    def start(self) -> None:
        for group in (self.servers.actions, self.servers.rasa, [self.servers.balancer]):
            for child in group:
                child.start()
            for child in group:
                child.wait_ready(600)
        self.logger = LoggerThread(self.settings)
        self.logger.start()

    def restart(self, child: ManagedProcess) -> None:
        child.start()
        child.wait_ready(600)

    def restart_action_server(self, index: int) -> None:
        port = action_ports(self.settings)[index]
        self.servers.actions[index].stop()
        fresh = action_server(port, self.action_env, self.workdir / f"actions-{port}.log")
        self.servers.actions[index] = fresh
        fresh.start()
        fresh.wait_ready(120)

    async def reconcile(self) -> int:
        """What `python -m kefu reconcile` would add now (it adds it)."""
        crm = create_engine(self.settings.database.url)
        tracker = create_engine(self.settings.tracker_database_url)
        try:
            return await reconcile(create_sessionmaker(crm), tracker)
        finally:
            await crm.dispose()
            await tracker.dispose()

    def close(self) -> None:
        if self.logger is not None:
            self.logger.close()
        for child in reversed(self.servers.all):
            child.stop()


def build_cluster(
    settings: Settings,
    secrets: Secrets,
    model: Path,
    postgres: PrivatePostgres,
    rabbit: PrivateRabbit,
    workdir: Path,
) -> Cluster:
    action_env = action_side_environment(settings, secrets)
    rasa_env = rasa_side_environment(settings, secrets)
    servers = production_servers(settings, model, rasa_env, action_env, workdir, workdir / "nginx")
    return Cluster(
        settings, secrets, servers, postgres, rabbit, model, workdir, action_env=action_env
    )
