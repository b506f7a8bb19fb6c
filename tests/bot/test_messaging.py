"""The messaging channels: built from credentials.messaging.yml, behind the guard, and the
Telegram webhook answers only Telegram.

Each channel runs on a real Sanic server on loopback with a stand-in for Rasa's message handler;
Telegram's replies go to the fake Bot API (tests/messaging_fakes.py), Slack's to a collecting
channel. Messenger has its own tests (test_messenger.py).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from rasa.core.channels import slack
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.run import create_http_input_channels
from sanic import Sanic

from bot.guard import SILENCE_REPLY
from bot.messaging import SECRET_HEADER, GuardedSlackInput, GuardedTelegramInput
from bot.messenger import GuardedFacebookInput
from bot.screening import CLIENT_KEY, TOO_LONG_INTENT, GuardLimits, client_key
from kefu.processes import free_port
from tests.bot.test_channels import Echo
from tests.messaging_fakes import (
    BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    FakeTelegram,
    slack_signed,
    update,
)

MESSAGING_CREDENTIALS = Path(__file__).resolve().parents[2] / "credentials.messaging.yml"
LIMITS = GuardLimits(1000, 2.0)
LIMIT_VALUES = {"max_message_chars": "1000", "reply_timeout_seconds": "2.0"}
WEBHOOK_SECRET = "telegram-secret-for-the-tests_0123"
SIGNING_SECRET = SLACK_SIGNING_SECRET


async def serve(channel: Any, handler: Echo, prefix: str) -> AsyncIterator[str]:
    """The channel's blueprint on a real Sanic server on loopback, its start-up listeners run
    (as in tests/bot/test_channels.py, plus after_server_start: Telegram registers its webhook)."""
    Sanic.test_mode = True
    app = Sanic(f"messaging-test-{time.monotonic_ns()}")
    app.blueprint(channel.blueprint(handler), url_prefix=prefix)
    # A port of its own: Sanic reads port=0 as its default, 8000, which is the console's.
    server = await app.create_server(host="127.0.0.1", port=free_port(), return_asyncio_server=True)
    assert server is not None
    await server.startup()
    await server.after_start()
    port = server.server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.close()
        await asyncio.wait([asyncio.ensure_future(server.wait_closed())], timeout=2)
        await server.after_stop()


@pytest.fixture
def every_channel_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "KEFU_MAX_MESSAGE_CHARS": "1234",
        "KEFU_REPLY_TIMEOUT_SECONDS": "4.5",
        "KEFU_TELEGRAM_TOKEN": BOT_TOKEN,
        "KEFU_TELEGRAM_WEBHOOK_URL": "https://bot.example.com/webhooks/telegram/webhook",
        "KEFU_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "KEFU_TELEGRAM_API_URL": "https://api.telegram.org",
        "KEFU_SLACK_TOKEN": "xoxb-test",
        "KEFU_SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "KEFU_SLACK_API_URL": "https://slack.com/api/",
        "KEFU_FACEBOOK_API_URL": "https://graph.facebook.com",
        "KEFU_FACEBOOK_VERIFY_TOKEN": "verify-me",
        "KEFU_FACEBOOK_APP_SECRET": "app-secret",
        "KEFU_FACEBOOK_PAGE_TOKEN": "page-token",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("every_channel_set")
def test_the_messaging_credentials_create_three_guarded_channels() -> None:
    channels = create_http_input_channels(None, str(MESSAGING_CREDENTIALS))
    by_name = {channel.name(): channel for channel in channels}
    assert set(by_name) == {"telegram", "slack", "facebook"}
    assert isinstance(by_name["telegram"], GuardedTelegramInput)
    assert isinstance(by_name["slack"], GuardedSlackInput)
    assert isinstance(by_name["facebook"], GuardedFacebookInput)
    assert {channel.limits for channel in channels} == {GuardLimits(1234, 4.5)}  # type: ignore[attr-defined]
    assert by_name["telegram"].webhook_secret == WEBHOOK_SECRET  # type: ignore[attr-defined]


@pytest.mark.parametrize("missing", ["KEFU_TELEGRAM_WEBHOOK_SECRET", "KEFU_SLACK_SIGNING_SECRET"])
@pytest.mark.usefixtures("every_channel_set")
def test_a_channel_without_its_secret_does_not_start(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.delenv(missing)
    with pytest.raises(Exception, match=missing):
        create_http_input_channels(None, str(MESSAGING_CREDENTIALS))


@pytest.mark.parametrize("secret", ["", "has space", "x" * 257, "semi;colon"])
def test_telegram_refuses_a_secret_telegram_would_not_send(secret: str) -> None:
    with pytest.raises(ValueError, match="webhook_secret"):
        GuardedTelegramInput(BOT_TOKEN, "https://x", secret, LIMITS)


# --- Telegram ------------------------------------------------------------------------------


class Recording(Echo):
    """Echo that keeps the messages it got (to see what the guard made of them); a silent one
    answers nothing, as Rasa does when the action server is down."""

    def __init__(self, silent: bool = False) -> None:
        super().__init__()
        self.messages: list[UserMessage] = []
        self.silent = silent

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.silent:
            self.senders.append(message.sender_id)
        else:
            await super().__call__(message)


@pytest_asyncio.fixture
async def fake_api() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    runner = await fake.start()
    yield fake
    await runner.cleanup()


@pytest_asyncio.fixture
async def telegram(fake_api: FakeTelegram) -> AsyncIterator[tuple[str, Recording, FakeTelegram]]:
    channel = GuardedTelegramInput(
        BOT_TOKEN, "https://bot.example.com/hook", WEBHOOK_SECRET, LIMITS, fake_api.url
    )
    echo = Recording()
    async for url in serve(channel, echo, "/webhooks/telegram"):
        yield url, echo, fake_api


async def send(url: str, body: Any, secret: str | None = WEBHOOK_SECRET) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with (
        aiohttp.ClientSession() as client,
        client.post(f"{url}/webhooks/telegram/webhook", data=data, headers=headers) as answer,
    ):
        return answer.status, await answer.json()


async def test_the_webhook_is_registered_with_its_secret(
    telegram: tuple[str, Recording, FakeTelegram],
) -> None:
    _, _, fake = telegram
    for _ in range(50):
        if fake.called("setWebhook"):
            break
        await asyncio.sleep(0.1)
    (registered,) = fake.called("setWebhook")
    assert registered["url"] == "https://bot.example.com/hook"
    assert registered["secret_token"] == WEBHOOK_SECRET
    assert json.loads(registered["allowed_updates"]) == ["message", "callback_query"]


async def test_a_message_is_answered_in_its_chat(
    telegram: tuple[str, Recording, FakeTelegram],
) -> None:
    url, echo, fake = telegram
    status, body = await send(url, update(1, 4242, "hi there"))
    assert (status, body) == (200, {"status": "ok"})
    assert echo.senders == ["telegram-4242"]
    assert echo.messages[0].input_channel == "telegram"
    # Counted as the Telegram user, not as the address Telegram's webhook call came from.
    assert echo.metadata == [{CLIENT_KEY: client_key("telegram:4242")}]
    assert fake.sent_to(4242) == ["echo hi there"]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", WEBHOOK_SECRET + "x"])
async def test_a_call_without_the_secret_is_refused_and_runs_nothing(
    telegram: tuple[str, Recording, FakeTelegram], secret: str | None
) -> None:
    url, echo, fake = telegram
    status, body = await send(url, update(2, 4242, "hi"), secret=secret)
    assert status == 401 and body["error"] == "unauthorized"
    assert echo.senders == [] and fake.called("sendMessage") == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        [1, 2],
        {"message": {"chat": {"id": 1, "type": "private"}, "text": "no update id"}},
        {"update_id": "7", "message": {"chat": {"id": 1, "type": "private"}, "text": "x"}},
        {"update_id": 7, "message": "not an object"},
        {"update_id": 7, "message": {"text": "no chat"}},
        {"update_id": 7, "message": {"chat": {"id": "1", "type": "private"}, "text": "x"}},
        {"update_id": 7, "message": {"chat": {"id": 1, "type": "private"}, "text": 5}},
        {"update_id": 7, "callback_query": ["not", "an", "object"]},
    ],
)
async def test_a_malformed_update_gets_400_and_runs_nothing(
    telegram: tuple[str, Recording, FakeTelegram], body: Any
) -> None:
    url, echo, fake = telegram
    status, answer = await send(url, body)
    assert status == 400 and answer["error"] in {"malformed_json", "malformed_update"}
    assert echo.senders == [] and fake.called("sendMessage") == []


@pytest.mark.parametrize(
    "body",
    [
        {"update_id": 8, "edited_message": update(8, 1, "edited")["message"]},
        {"update_id": 9, "my_chat_member": {"chat": {"id": 1, "type": "private"}}},
        update(10, -100123, "hello group", chat={"id": -100123, "type": "group"}),
        {"update_id": 11, "callback_query": {"id": "q", "data": "/affirm"}},
    ],
)
async def test_what_is_not_a_customers_private_message_is_ignored(
    telegram: tuple[str, Recording, FakeTelegram], body: Any
) -> None:
    url, echo, fake = telegram
    status, answer = await send(url, body)
    assert (status, answer) == (200, {"status": "ignored"})
    assert echo.senders == [] and fake.called("sendMessage") == []


async def test_a_redelivered_update_runs_once(
    telegram: tuple[str, Recording, FakeTelegram],
) -> None:
    url, echo, fake = telegram
    for _ in range(2):
        assert (await send(url, update(12, 77, "once")))[0] == 200
    assert echo.senders == ["telegram-77"] and fake.sent_to(77) == ["echo once"]


async def test_an_over_long_message_never_reaches_nlu(
    telegram: tuple[str, Recording, FakeTelegram],
) -> None:
    url, echo, _ = telegram
    await send(url, update(13, 5, "x" * (LIMITS.max_message_chars + 1)))
    (message,) = echo.messages
    assert message.parse_data is not None
    assert message.parse_data["intent"]["name"] == TOO_LONG_INTENT
    assert len(message.text) < LIMITS.max_message_chars


async def test_start_greets_and_a_tapped_button_sends_its_payload(
    telegram: tuple[str, Recording, FakeTelegram],
) -> None:
    url, echo, fake = telegram
    await send(url, update(14, 6, "/start"))
    chat = update(0, 6, None)["message"]
    tap = {"id": "cb-1", "data": "/affirm", "message": chat, "from": chat["from"]}
    await send(url, {"update_id": 15, "callback_query": tap})
    assert [m.text for m in echo.messages] == ["/greet", "/affirm"]
    assert fake.called("answerCallbackQuery") == [{"callback_query_id": "cb-1"}]


async def test_a_silent_turn_still_answers_the_chat(fake_api: FakeTelegram) -> None:
    channel = GuardedTelegramInput(
        BOT_TOKEN, "https://x/hook", WEBHOOK_SECRET, LIMITS, fake_api.url
    )
    silent = Recording(silent=True)
    async for url in serve(channel, silent, "/webhooks/telegram"):
        assert (await send(url, update(16, 99, "hello?")))[0] == 200
    assert silent.senders == ["telegram-99"]
    assert fake_api.sent_to(99) == [SILENCE_REPLY]


# --- Slack: Rasa's own checks, then the guard ----------------------------------


class Collecting(CollectingOutputChannel):
    """Slack's client would reach the internet: collect instead."""

    @classmethod
    def name(cls) -> str:
        return "collecting"


@pytest.mark.parametrize("signed", [True, False])
async def test_slack_checks_the_signature_then_guards_the_message(
    monkeypatch: pytest.MonkeyPatch, signed: bool
) -> None:
    channel = GuardedSlackInput.from_credentials(
        {"slack_token": "xoxb-test", "slack_signing_secret": SIGNING_SECRET, **LIMIT_VALUES}
    )
    outputs: list[OutputChannel] = []

    def collecting(*_args: Any) -> OutputChannel:
        outputs.append(Collecting())
        return outputs[-1]

    monkeypatch.setattr(channel, "get_output_channel", collecting)
    event = {"type": "message", "channel": "D1", "channel_type": "im", "user": "U1", "text": "hi"}
    body = json.dumps({"type": "event_callback", "event": event}).encode()
    headers = slack_signed(body) if signed else {"Content-Type": "application/json"}
    echo = Recording()
    async for url in serve(channel, echo, "/webhooks/slack"):
        async with (
            aiohttp.ClientSession() as client,
            client.post(f"{url}/webhooks/slack/webhook", data=body, headers=headers) as answer,
        ):
            status = answer.status
        for _ in range(50):  # Slack's connector answers first and runs the turn afterwards
            if echo.senders or not signed:
                break
            await asyncio.sleep(0.1)
    if not signed:
        assert status == 400 and echo.senders == []
        return
    assert echo.senders == ["slack-U1"]
    assert echo.metadata[0][CLIENT_KEY] == client_key("slack:U1")
    assert outputs[0].messages == [{"recipient_id": "U1", "text": "echo hi"}]  # type: ignore[attr-defined]


async def test_the_output_channels_address_the_platforms_own_ids(
    fake_api: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rasa's API reaches a conversation by its id (an agent's reply): the prefix comes off."""
    telegram = GuardedTelegramInput(
        BOT_TOKEN, "https://x/hook", WEBHOOK_SECRET, LIMITS, fake_api.url
    )
    try:
        await telegram.get_output_channel().send_response("telegram-31", {"text": "from an agent"})
    finally:
        await telegram.get_output_channel().session.close()
    assert fake_api.sent_to(31) == ["from an agent"]

    monkeypatch.setattr(slack, "SlackBot", lambda *_args: Collecting())
    slack_channel = GuardedSlackInput.from_credentials(
        {"slack_token": "xoxb-test", "slack_signing_secret": SIGNING_SECRET, **LIMIT_VALUES}
    )
    output = slack_channel.get_output_channel()
    await output.send_response("slack-U7", {"text": "from an agent"})
    assert output.inner.messages == [{"recipient_id": "U7", "text": "from an agent"}]  # type: ignore[attr-defined]
