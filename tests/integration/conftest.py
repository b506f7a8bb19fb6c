"""The real system on loopback: a trained model, the action server and the Rasa server.

One stack per test session (model loading takes ~45 s here). Each test talks to it through the
REST channel with its own sender ids, and reads the same throw-away CRM and tracker databases.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.exchange_logger import ExchangeLogger
from bot.launcher import rasa_side_environment
from bot.model_cache import ensure_model
from bot.processes import ManagedProcess, action_server, free_port, rasa_server
from crm_store.db import create_engine, create_sessionmaker
from crm_store.settings import Settings, load_settings
from crm_store.setup import prepare_database

API_TOKEN = "integration-test-token"


@dataclass
class Reply:
    status: int
    messages: list[dict[str, Any]]
    seconds: float

    @property
    def text(self) -> str:
        return "\n".join(str(m.get("text", "")) for m in self.messages)

    @property
    def payloads(self) -> list[str]:
        return [b["payload"] for m in self.messages for b in (m.get("buttons") or [])]


@dataclass
class Stack:
    settings: Settings
    rasa_url: str
    rasa: ManagedProcess
    actions: ManagedProcess
    action_env: dict[str, str]
    log_dir: Path
    _senders: list[str] = field(default_factory=list)

    def post(self, body: bytes, timeout: float = 60.0) -> Reply:
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return Reply(answer.status, json.load(answer), time.monotonic() - started)
        except urllib.error.HTTPError as error:
            payload = json.loads(error.read() or b"{}")
            return Reply(error.code, [payload], time.monotonic() - started)

    def say(self, sender: str, text: str) -> Reply:
        return self.post(json.dumps({"sender": sender, "message": text}).encode())

    def new_sender(self, label: str) -> str:
        sender = f"{label}-{uuid.uuid4().hex[:8]}"
        self._senders.append(sender)
        return sender

    def restart_action_server(self, **env: str) -> None:
        """Stop the action server and start it again on the same port with `env` on top."""
        self.actions.stop()
        port = int(self.actions.ready_url.split(":")[2].split("/")[0])
        self.actions = action_server(
            port, {**self.action_env, **env}, self.log_dir / "actions.log"
        )
        self.actions.start()
        self.actions.wait_ready(120)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    import asyncio

    workdir = tmp_path_factory.mktemp("stack")
    environ = {
        "KEFU_DATABASE_URL": f"sqlite:///{workdir / 'kefu.db'}",
        "KEFU_TRACKER_DATABASE_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "KEFU_RASA_PORT": str(free_port()),
        "KEFU_ACTION_PORT": str(free_port()),
    }
    settings = load_settings(environ)
    asyncio.run(prepare_database(settings))
    model = ensure_model(log_file=workdir / "train.log")

    action_env = {key: value for key, value in environ.items() if key.startswith("KEFU_")}
    actions = action_server(settings.action_port, action_env, workdir / "actions.log")
    rasa = rasa_server(
        settings.rasa_port,
        model.path,
        API_TOKEN,
        rasa_side_environment(settings),
        workdir / "rasa.log",
    )
    actions.start()
    rasa.start()
    try:
        actions.wait_ready(120)
        rasa.wait_ready(400)
        yield Stack(
            settings=settings,
            rasa_url=f"http://127.0.0.1:{settings.rasa_port}",
            rasa=rasa,
            actions=actions,
            action_env=action_env,
            log_dir=workdir,
        )
    finally:
        rasa.stop()
        actions.stop()


@dataclass
class Databases:
    crm_engine: AsyncEngine
    tracker_engine: AsyncEngine
    crm: async_sessionmaker[AsyncSession]
    logger: ExchangeLogger


@pytest_asyncio.fixture
async def databases(stack: Stack) -> AsyncIterator[Databases]:
    """The stack's CRM and tracker store, and an exchange logger over them."""
    crm_engine = create_engine(stack.settings.database_url)
    tracker_engine = create_engine(stack.settings.tracker_database_url)
    sessions = create_sessionmaker(crm_engine)
    yield Databases(crm_engine, tracker_engine, sessions, ExchangeLogger(tracker_engine, sessions))
    await crm_engine.dispose()
    await tracker_engine.dispose()


def with_url(settings: Settings, **changes: Any) -> Settings:
    return replace(settings, **changes)
