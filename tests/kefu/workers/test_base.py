"""The worker base keeps going through failing batches and stops when asked."""

from __future__ import annotations

import asyncio

from kefu.workers.base import Worker


class FlakyWorker(Worker):
    def __init__(self) -> None:
        super().__init__(poll_interval=0.01, max_backoff=0.02)
        self.calls = 0
        self.handled = 0

    async def consume(self) -> int:
        self.calls += 1
        if self.calls == 2:
            raise ConnectionError("database went away")
        if self.calls <= 4:
            self.handled += 1
            return 1
        return 0


async def test_run_survives_a_failing_batch_and_stops_on_request() -> None:
    worker = FlakyWorker()
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    for _ in range(500):
        if worker.calls >= 6:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert worker.handled == 3  # calls 1, 3 and 4; call 2 failed and was retried
    assert worker.calls >= 6
