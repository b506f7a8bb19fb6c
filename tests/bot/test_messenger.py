"""Messenger: Meta's signature, malformed and echoed events, and replies sent off the event loop.

The channel runs on a real Sanic server on loopback and sends to a fake Graph API served by the
same event loop (tests/messaging_fakes.py): a send that blocked the loop could never be
answered, so every test that gets a reply also shows the sends run in worker threads.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.guard import SILENCE_REPLY
from bot.messenger import GuardedFacebookInput
from bot.screening import CLIENT_KEY, client_key
from tests.bot.test_messaging import LIMIT_VALUES, Recording, serve
from tests.messaging_fakes import (
    META_APP_SECRET,
    META_VERIFY_TOKEN,
    FakeGraph,
    messenger_event,
    meta_signed,
)

APP_SECRET, VERIFY_TOKEN = META_APP_SECRET, META_VERIFY_TOKEN


@pytest_asyncio.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    fake = FakeGraph()
    runner = await fake.start()
    yield fake
    await runner.cleanup()


def channel_for(graph: FakeGraph) -> GuardedFacebookInput:
    return GuardedFacebookInput.from_credentials(
        {
            "verify": VERIFY_TOKEN,
            "secret": APP_SECRET,
            "page-access-token": graph.token,
            "api_url": graph.url,
            **LIMIT_VALUES,
        }
    )


@pytest_asyncio.fixture
async def messenger(graph: FakeGraph) -> AsyncIterator[tuple[str, Recording, FakeGraph]]:
    echo = Recording()
    async for url in serve(channel_for(graph), echo, "/webhooks/facebook"):
        yield url, echo, graph


async def post(url: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with (
        aiohttp.ClientSession() as client,
        client.post(f"{url}/webhooks/facebook/webhook", data=data, headers=headers) as answer,
    ):
        return answer.status, await answer.json(content_type=None)


def signed_post(body: Any, legacy: bool = False) -> tuple[bytes, dict[str, str]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return data, meta_signed(data, APP_SECRET, legacy=legacy)


@pytest.mark.parametrize("legacy", [False, True])
async def test_a_signed_message_is_answered_to_its_sender(
    messenger: tuple[str, Recording, FakeGraph], legacy: bool
) -> None:
    url, echo, graph = messenger
    status, body = await post(url, *signed_post(messenger_event("555", "hi", "m-1"), legacy))
    assert (status, body) == (200, {"status": "ok"})
    assert echo.senders == ["facebook-555"]
    assert echo.messages[0].input_channel == "facebook"
    assert echo.metadata == [{CLIENT_KEY: client_key("facebook:555")}]
    assert graph.sent_to("555") == ["echo hi"]
    assert graph.actions_for("555") == ["mark_seen", "typing_on", "typing_off"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        meta_signed(b"something else", APP_SECRET),
        meta_signed(json.dumps(messenger_event("555", "hi", "m-2")).encode(), "wrong-secret"),
        {"X-Hub-Signature-256": "md5=abc"},
    ],
)
async def test_an_unsigned_or_forged_call_is_refused_and_runs_nothing(
    messenger: tuple[str, Recording, FakeGraph], headers: dict[str, str]
) -> None:
    url, echo, graph = messenger
    status, body = await post(url, messenger_event("555", "hi", "m-2"), headers)
    assert status == 401 and body["error"] == "unauthorized"
    assert echo.senders == [] and graph.calls == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        [1, 2],
        {"object": "page"},
        {"object": "page", "entry": [{"messaging": "not a list"}]},
        {"object": "page", "entry": [{"messaging": [{"message": {"text": "no sender"}}]}]},
        {"object": "page", "entry": [{"messaging": [{"sender": {"id": "../me"}, "message": {}}]}]},
        {"object": "page", "entry": [{"messaging": [{"sender": {"id": "٣٣"}, "message": {}}]}]},
        {"object": "page", "entry": [{"messaging": [{"sender": {"id": "9" * 65}, "message": {}}]}]},
    ],
)
async def test_a_malformed_event_gets_400_and_runs_nothing(
    messenger: tuple[str, Recording, FakeGraph], body: Any
) -> None:
    url, echo, graph = messenger
    status, answer = await post(url, *signed_post(body))
    assert status == 400 and answer["error"] == "malformed_event"
    assert echo.senders == [] and graph.calls == []


async def test_echoes_are_ignored_and_a_redelivery_runs_once(
    messenger: tuple[str, Recording, FakeGraph],
) -> None:
    url, echo, graph = messenger
    await post(url, *signed_post(messenger_event("1", "our own reply", "m-3", is_echo=True)))
    for _ in range(2):
        await post(url, *signed_post(messenger_event("777", "once", "m-4")))
    assert echo.senders == ["facebook-777"] and graph.sent_to("777") == ["echo once"]


async def test_quick_replies_send_their_payload_and_attachments_get_an_answer(
    messenger: tuple[str, Recording, FakeGraph],
) -> None:
    url, echo, _ = messenger
    tapped = messenger_event("8", "Yes", "m-5", quick_reply={"payload": "/affirm"})
    photo = messenger_event("8", "", "m-6", attachments=[{"type": "image"}])
    del photo["entry"][0]["messaging"][0]["message"]["text"]
    for body in (tapped, photo):
        assert (await post(url, *signed_post(body)))[0] == 200
    assert [m.text for m in echo.messages] == ["/affirm", ""]


async def test_a_silent_turn_still_answers(graph: FakeGraph) -> None:
    silent = Recording(silent=True)
    async for url in serve(channel_for(graph), silent, "/webhooks/facebook"):
        assert (await post(url, *signed_post(messenger_event("9", "hello?", "m-7"))))[0] == 200
    assert graph.sent_to("9") == [SILENCE_REPLY]


@pytest.mark.parametrize(("token", "status"), [(VERIFY_TOKEN, 200), ("guess", 403), ("", 403)])
async def test_metas_url_check_wants_the_verify_token(
    messenger: tuple[str, Recording, FakeGraph], token: str, status: int
) -> None:
    url = messenger[0]
    query = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "42"}
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"{url}/webhooks/facebook/webhook", params=query) as answer,
    ):
        assert answer.status == status
        assert (await answer.text() == "42") is (status == 200)


async def test_rasas_api_reaches_a_conversation_by_its_id(graph: FakeGraph) -> None:
    """An agent's reply goes out through the channel's output by conversation id."""
    output = channel_for(graph).get_output_channel()
    await output.send_response("facebook-31", {"text": "from an agent"})
    assert graph.sent_to("31") == ["from an agent"]
