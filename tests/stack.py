"""The real system on loopback for the integration and security tests: a trained model, the
action server and the Rasa server.

One stack per test session (model loading takes ~45 s here), shared by tests/integration and
tests/security (tests/conftest.py registers these fixtures). Each test talks to it through the
REST channel with its own sender ids, and reads the same throw-away CRM and tracker databases.
The Telegram, Slack and Messenger channels are on too, their platforms' APIs fakes on loopback
(tests/messaging_fakes.py); Telegram's must answer before the Rasa server starts: the server
registers its webhook there.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from crm_store.db import create_engine, create_sessionmaker
from crm_store.setup import prepare_database
from kefu.environments import action_side_environment, rasa_side_environment
from kefu.messaging import credentials_file
from kefu.model_cache import ensure_model
from kefu.private_files import resolve_secrets
from kefu.processes import action_server, free_port, rasa_server
from kefu.settings import load_settings
from kefu.workers.exchange_logger import ExchangeLogger
from nlp.sentiment import SentimentModel
from tests.integration.support import Databases, Stack
from tests.messaging_fakes import (
    META_APP_SECRET,
    META_VERIFY_TOKEN,
    SLACK_SIGNING_SECRET,
    FakeGraph,
    FakeSlack,
    FakeTelegram,
)


@pytest.fixture(scope="session")
def telegram_api() -> Iterator[FakeTelegram]:
    """The fake Telegram Bot API the stack's Telegram channel talks to."""
    with FakeTelegram().running_in_thread() as fake:
        yield fake


@pytest.fixture(scope="session")
def slack_api() -> Iterator[FakeSlack]:
    """The fake Slack Web API the stack's Slack channel posts its replies to."""
    with FakeSlack().running_in_thread() as fake:
        yield fake


@pytest.fixture(scope="session")
def graph_api() -> Iterator[FakeGraph]:
    """The fake Graph API the stack's Messenger channel sends its replies to."""
    with FakeGraph().running_in_thread() as fake:
        yield fake


def messaging_environ(
    rasa_port: int, telegram: FakeTelegram, slack: FakeSlack, graph: FakeGraph
) -> dict[str, str]:
    """The messaging channels' variables, set as an operator would (docs/channels.md), each
    platform's API the fake's; Telegram's webhook secret is generated like the other secrets."""
    return {
        "KEFU_TELEGRAM_TOKEN": telegram.token,
        "KEFU_TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{rasa_port}/webhooks/telegram/webhook",
        "KEFU_TELEGRAM_API_URL": telegram.url,
        "KEFU_SLACK_TOKEN": slack.token,
        "KEFU_SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "KEFU_SLACK_API_URL": slack.api_url,
        "KEFU_FACEBOOK_VERIFY_TOKEN": META_VERIFY_TOKEN,
        "KEFU_FACEBOOK_APP_SECRET": META_APP_SECRET,
        "KEFU_FACEBOOK_PAGE_TOKEN": graph.token,
        "KEFU_FACEBOOK_API_URL": graph.url,
    }


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    telegram_api: FakeTelegram,
    slack_api: FakeSlack,
    graph_api: FakeGraph,
) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("stack")
    rasa_port = free_port()
    environ = {
        "KEFU_DATABASE_URL": f"sqlite:///{workdir / 'kefu.db'}",
        "KEFU_TRACKER_DATABASE_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "KEFU_RASA_PORT": str(rasa_port),
        "KEFU_ACTION_PORT": str(free_port()),
        # The console a browser test serves here (the socket accepts pages from its origin).
        "KEFU_CONSOLE_PORT": str(free_port()),
        **messaging_environ(rasa_port, telegram_api, slack_api, graph_api),
        # The tests are a proxy on loopback: each conversation is forwarded as a customer of
        # its own (tests/integration/support.py), so the limit per client applies per test.
        "KEFU_TRUSTED_PROXIES": "127.0.0.1,::1",
    }
    settings = load_settings(environ)
    # The test's own secrets, generated into its own folder (never the repository's var/).
    secrets = resolve_secrets(settings.secrets, workdir / "secrets")
    asyncio.run(prepare_database(settings.database, demo=True))
    # A log directory that does not exist yet, as var/log/ on a fresh checkout.
    model = ensure_model(log_file=workdir / "log" / "train.log")

    action_env = {**environ, **action_side_environment(settings, secrets)}
    actions = action_server(settings.action_port, action_env, workdir / "actions.log")
    rasa = rasa_server(
        settings.rasa_port,
        model.path,
        rasa_side_environment(settings, secrets),
        workdir / "rasa.log",
        credentials=credentials_file(settings.messaging, workdir),
    )
    stack = Stack(
        settings=settings,
        rasa_url=f"http://127.0.0.1:{settings.rasa_port}",
        rasa=rasa,
        actions=actions,
        action_env=action_env,
        log_dir=workdir,
        secrets=secrets,
    )
    actions.start()
    rasa.start()
    try:
        actions.wait_ready(120)
        rasa.wait_ready(400)
        yield stack
    finally:
        rasa.stop()
        # A test may have restarted the action server: stop the one running now.
        stack.actions.stop()
        actions.stop()


@pytest_asyncio.fixture
async def databases(stack: Stack) -> AsyncIterator[Databases]:
    """The stack's CRM and tracker store, and an exchange logger over them."""
    crm_engine = create_engine(stack.settings.database.url)
    tracker_engine = create_engine(stack.settings.tracker_database_url)
    sessions = create_sessionmaker(crm_engine)
    logger = ExchangeLogger(tracker_engine, sessions, score_sentiment=SentimentModel().score)
    yield Databases(crm_engine, tracker_engine, sessions, logger)
    await crm_engine.dispose()
    await tracker_engine.dispose()
