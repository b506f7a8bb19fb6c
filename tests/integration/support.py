"""What the integration tests share: the running stack, its replies, its databases."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kefu.paths import REPO_ROOT
from kefu.processes import ManagedProcess, action_server
from kefu.settings import Secrets, Settings
from kefu.workers.exchange_logger import ExchangeLogger

__all__ = ["REPO_ROOT", "Databases", "Reply", "Stack"]


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
    secrets: Secrets
    _senders: list[str] = field(default_factory=list)

    def post(self, body: bytes, timeout: float = 60.0, authorization: str | None = None) -> Reply:
        """POST to the REST channel, with its bearer token unless `authorization` says else."""
        if authorization is None:
            authorization = f"Bearer {self.secrets.rest_token}"
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json", "Authorization": authorization},
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

    def identify(self, sender: str, request: str, contact: str, fact: str) -> Reply:
        """Ask for something that needs identification and answer the two questions."""
        asked = self.say(sender, request)
        assert asked.status == 200 and asked.messages, asked
        self.say(sender, contact)
        return self.say(sender, fact)

    def new_sender(self, label: str) -> str:
        sender = f"{label}-{uuid.uuid4().hex[:8]}"
        self._senders.append(sender)
        return sender

    def cli(self, package: str, *args: str) -> subprocess.CompletedProcess[str]:
        """`python -m <package> args` on the stack's CRM and tracker store."""
        return subprocess.run(
            [sys.executable, "-m", package, *args],
            cwd=REPO_ROOT,
            env={
                "PATH": "/usr/bin:/bin",
                "KEFU_DATABASE_URL": self.settings.database.url,
                "KEFU_TRACKER_DATABASE_URL": self.settings.tracker_database_url,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )

    def restart_action_server(self, **env: str) -> None:
        """Stop the action server and start it again on the same port with `env` on top."""
        self.actions.stop()
        port = int(self.actions.ready_url.split(":")[2].split("/")[0])
        self.actions = action_server(port, {**self.action_env, **env}, self.log_dir / "actions.log")
        self.actions.start()
        self.actions.wait_ready(120)


@dataclass
class Databases:
    crm_engine: AsyncEngine
    tracker_engine: AsyncEngine
    crm: async_sessionmaker[AsyncSession]
    logger: ExchangeLogger
