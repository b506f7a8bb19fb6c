"""Load with a fault in the middle, and the exchange-log check after it.

A turn nginx answered itself (no Rasa server reachable) leaves the transcript; its customer
message, and the bot's answer, may or may not be in the log: a Rasa server killed after saving
the turn but before answering logged a reply the customer never saw (nginx apologised instead).
Everything else the customer sent and received must be in the log exactly once, in order, and
`reconcile` must find nothing left to add.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.load import SLOW_MARKER, LoadResult, Target, run_load
from bench.load_check import logged_messages, wait_until_logged
from bench.load_scripts import SCRIPTS
from kefu.processes import ManagedProcess
from kefu.servers import UNAVAILABLE_REPLY
from tests.production.cluster import Cluster

CONVERSATIONS = 4
LOAD_SECONDS = 24.0
FAULT_AFTER_SECONDS = 5.0
Message = tuple[str, str]


def kill(child: ManagedProcess) -> None:
    """SIGKILL, as a crash: no clean shutdown."""
    assert child.process is not None
    os.killpg(child.process.pid, signal.SIGKILL)
    child.process.wait(30)


def pause(child: ManagedProcess, paused: bool) -> None:
    """SIGSTOP (a server that hangs) or SIGCONT."""
    assert child.process is not None
    os.killpg(child.process.pid, signal.SIGSTOP if paused else signal.SIGCONT)


async def load_with_fault(
    cluster: Cluster,
    fault: Callable[[], None] | None,
    target: Target | None = None,
    seconds: float = LOAD_SECONDS,
) -> LoadResult:
    """A short bounded load through nginx; `fault` (blocking) runs a few seconds into it."""
    load = asyncio.create_task(
        run_load(target or cluster.target, SCRIPTS["kefu"], CONVERSATIONS, seconds)
    )
    if fault is not None:
        await asyncio.sleep(FAULT_AFTER_SECONDS)
        await asyncio.to_thread(fault)
    return await load


@dataclass
class Delivered:
    """What reached a bot: the transcripts without nginx's own replies."""

    kept: dict[str, list[Message]] = field(default_factory=dict)
    unanswered: dict[str, Counter[Message]] = field(default_factory=dict)
    nginx_replies: int = 0


def delivered(transcripts: dict[str, list[Message]]) -> Delivered:
    result = Delivered()
    for sender, transcript in transcripts.items():
        kept: list[Message] = []
        unanswered: Counter[Message] = Counter()
        for direction, text in transcript:
            if direction == "bot" and text == UNAVAILABLE_REPLY:
                result.nginx_replies += 1
                # The customer message before it: the last user message kept.
                for index in range(len(kept) - 1, -1, -1):
                    if kept[index][0] == "user":
                        unanswered[kept.pop(index)] += 1
                        break
            else:
                kept.append((direction, text))
        result.kept[sender] = kept
        result.unanswered[sender] = unanswered
    return result


def problems_in(
    kept: list[Message], logged: list[Message], unanswered: Counter[Message], ordered: bool = True
) -> str | None:
    """What is wrong with one conversation's log (None when it is right)."""
    want, have = Counter(kept), Counter(logged)
    missing = want - have
    extra = have - want - unanswered
    if unanswered:
        # The answers to unanswered turns: saved by the server that then died.
        extra = Counter({message: n for message, n in extra.items() if message[0] != "bot"})
    if missing or extra:
        return f"missing {dict(missing)}, extra {dict(extra)}"
    if not ordered:
        return None
    allowed = have - want  # unanswered messages that were logged anyway
    in_order = []
    for message in logged:
        if allowed[message]:
            allowed[message] -= 1
        else:
            in_order.append(message)
    return None if in_order == kept else f"out of order: {in_order} != {kept}"


# How long a missing record may still be on its way: past a lock ticket's lifetime (60 s).
LOG_DEADLINE_S = 90.0


async def exchange_log_problems(
    cluster: Cluster, result: LoadResult, order_after_slow_reply: bool = True
) -> list[str]:
    """Every problem of the exchange log after a run; [] when it is complete and exact.

    Without `order_after_slow_reply`, a conversation that got a "taking longer" reply is checked
    for completeness only: behind a dead server's lock ticket its next turns wait until the
    ticket expires, and are logged when they ran, after the replies the customer got meanwhile.
    """
    url = cluster.settings.database.url
    seen = delivered(result.transcripts)
    senders = sorted(seen.kept)
    expected = sum(len(kept) for kept in seen.kept.values())
    await wait_until_logged(url, senders, expected, timeout_s=120)
    # The count can be reached early: turns a customer never saw answered are logged too. Turns
    # queued behind a dead server's lock ticket run only once it expires, while the log is quiet.
    deadline = asyncio.get_running_loop().time() + LOG_DEADLINE_S
    while True:
        logged = await logged_messages(url, senders)
        found = []
        for sender in senders:
            kept = seen.kept[sender]
            ordered = order_after_slow_reply or not any(SLOW_MARKER in text for _, text in kept)
            problem = problems_in(kept, logged.get(sender, []), seen.unanswered[sender], ordered)
            if problem:
                found.append(f"{sender}: {problem}")
        if not found or asyncio.get_running_loop().time() >= deadline:
            break
        await asyncio.sleep(2.0)
    added = await cluster.reconcile()
    if added:
        found.append(f"reconcile added {added} records the log was missing")
    return found
