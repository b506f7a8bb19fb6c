"""What the integration tests share: the running stack, its replies, its databases."""

from __future__ import annotations

import hashlib
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

    def post(
        self,
        body: bytes,
        timeout: float = 60.0,
        authorization: str | None = None,
        client: str | None = None,
    ) -> Reply:
        """POST to the REST channel, with its bearer token unless `authorization` says else,
        as `client` if given (forwarded by loopback, a trusted proxy here), else from loopback."""
        if authorization is None:
            authorization = f"Bearer {self.secrets.rest_token}"
        headers = {"Content-Type": "application/json", "Authorization": authorization}
        if client is not None:
            headers["X-Forwarded-For"] = client
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook", data=body, headers=headers
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return Reply(answer.status, json.load(answer), time.monotonic() - started)
        except urllib.error.HTTPError as error:
            payload = json.loads(error.read() or b"{}")
            return Reply(error.code, [payload], time.monotonic() - started)

    def say(self, sender: str, text: str, client: str | None = None) -> Reply:
        """One message of `sender`'s conversation, from `client` (default: the conversation's
        own address, so the tests' identifications never add up to one client's limit)."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        return self.post(body, client=client or address_of(sender))

    def identify(
        self, sender: str, request: str, contact: str, fact: str, client: str | None = None
    ) -> Reply:
        """Ask for something that needs identification and answer the two questions."""
        asked = self.say(sender, request, client)
        assert asked.status == 200 and asked.messages, asked
        self.say(sender, contact, client)
        return self.say(sender, fact, client)

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


def address_of(sender: str) -> str:
    """A customer address of its own for each conversation (IPv6 documentation space, one /64
    each): on loopback every request would otherwise be one client, 127.0.0.1, and the
    identification limit per client (CLIENT_LIMIT wrong pairs) would trip across tests."""
    digest = hashlib.sha256(sender.encode()).hexdigest()
    return f"2001:db8:{digest[:4]}:{digest[4:8]}::1"


@dataclass
class Databases:
    crm_engine: AsyncEngine
    tracker_engine: AsyncEngine
    crm: async_sessionmaker[AsyncSession]
    logger: ExchangeLogger
