"""The load driver against a fake REST channel on loopback, and the exchange-log comparison."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web

from bench.load import Target, percentile, run_load
from bench.load_check import compare
from bench.load_scripts import KEFU_SCRIPTS, Turn

SLOW = "Sorry, this is taking longer than it should. Please try again in a moment."


async def webhook(request: web.Request) -> web.Response:
    if request.headers.get("Authorization") != "Bearer secret-token":
        return web.json_response({"error": "unauthorized"}, status=401)
    body = await request.json()
    text = body["message"]
    if text == "boom":
        return web.json_response({"error": "x"}, status=500)
    if text == "silence":
        return web.json_response([])
    if text == "slow":
        return web.json_response([{"recipient_id": body["sender"], "text": SLOW}])
    return web.json_response([{"recipient_id": body["sender"], "text": f"echo: {text}"}])


@pytest_asyncio.fixture
async def fake_rasa() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_a_bounded_run_counts_messages_and_keeps_transcripts(fake_rasa: str) -> None:
    script = [Turn("hello", expect="echo"), Turn("bye", expect="nothing like this")]
    result = await run_load(Target(fake_rasa, "secret-token"), [script], 3, 30, max_messages=8)
    assert result.messages == 8
    assert result.errors == 0
    # Every "bye" misses its expected words.
    said = [text for t in result.transcripts.values() for who, text in t if who == "user"]
    assert len(said) == 8 and result.unexpected == said.count("bye") > 0
    # 3 customers; each reaches a second conversation only after finishing its first.
    assert 3 <= len(result.transcripts) <= 5
    first = next(iter(result.transcripts.values()))
    assert first[:2] == [("user", "hello"), ("bot", "echo: hello")]
    summary = result.summary()
    assert summary["messages"] == 8 and summary["p50_ms"] > 0 and summary["msgs_per_s"] > 0


async def test_latencies_are_kept_per_script_step(fake_rasa: str) -> None:
    script = [Turn("hello", label="1 hi"), Turn("slow"), Turn("bye", label="3 bye")]
    result = await run_load(Target(fake_rasa, "secret-token"), [script], 1, 30, max_messages=7)
    steps = result.per_step()
    # Unlabelled steps are named by their position in the script.
    assert list(steps) == ["1 hi", "3 bye", "step 2"]
    assert [steps[s]["n"] for s in steps] == [3, 2, 2]
    assert sum(len(v) for v in result.step_latencies_ms.values()) == result.messages == 7
    assert all(0 < s["p50_ms"] <= s["p95_ms"] <= s["max_ms"] for s in steps.values())
    assert 0 <= sum(s["share_of_tail"] for s in steps.values()) <= 1.0


async def test_errors_silence_and_slow_replies_are_counted(fake_rasa: str) -> None:
    script = [Turn("boom"), Turn("silence"), Turn("slow"), Turn("fine")]
    result = await run_load(Target(fake_rasa, "secret-token"), [script], 1, 30, max_messages=4)
    assert (result.errors, result.slow_replies, result.unexpected) == (2, 1, 0)
    assert result.error_samples and "500" in result.error_samples[0]


async def test_a_wrong_token_is_an_error(fake_rasa: str) -> None:
    result = await run_load(Target(fake_rasa, "wrong"), [[Turn("hi")]], 1, 30, max_messages=2)
    assert result.errors == 2


def test_only_loopback_is_allowed() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Target("http://example.com:5005")


def test_percentile_interpolates() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert percentile([0.0, 10.0], 0.95) == pytest.approx(9.5)
    assert percentile([], 0.5) == 0.0


def test_every_kefu_script_identifies_asks_an_faq_and_rates() -> None:
    for script in KEFU_SCRIPTS:
        texts = [turn.text for turn in script]
        assert any("@example.com" in text for text in texts)
        assert any(text.startswith("/inform") and "rating" in text for text in texts)
        assert any("order" in text for text in texts)


def test_compare_finds_missing_duplicate_and_reordered_records() -> None:
    said = [("user", "hi"), ("bot", "hello"), ("user", "bye"), ("bot", "ciao")]
    logged = {
        "complete": said,
        "missing": said[:3],
        "twice": [*said, ("bot", "ciao")],
        "swapped": [said[1], said[0], said[2], said[3]],
    }
    check = compare({sender: said for sender in logged}, logged)
    assert (check.missing, check.duplicates, check.out_of_order) == (1, 1, 1)
    assert check.expected == 16 and check.logged == 16
    assert compare({"a": said}, {"a": said}).as_dict()["missing_records"] == 0
