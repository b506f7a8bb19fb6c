"""A sampling profiler around the Rasa server, run in the Rasa environment (stdlib only).

    .venv-rasa/bin/python -m bench.rasa_sampler --out samples.json -- <bot.server arguments>

py-spy is not installed here and cProfile's overhead on an asyncio server distorts it, so a
thread reads the main thread's stack (`sys._current_frames`) every `--interval` seconds and
counts, for each function on it, the samples it appears in (inclusive time), named
`Class.method` where the frame has a `self`. Samples whose top frame is the event loop waiting
for work are idle. SIGUSR1 starts the count afresh (the harness sends it after the warm-up);
the counts are written to `--out` every few seconds and at exit.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import runpy
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

# The event loop waiting for work: uvloop's loop is C, so its caller is the top Python frame.
IDLE_TOPS = {
    "runners.serve",
    "runners.serve_single",
    "Sanic.run",
    "base_events.run_forever",
    "base_events._run_once",
    "selectors.select",
    "EpollSelector.select",
}


def frame_name(frame: FrameType) -> str:
    code = frame.f_code
    if code.co_varnames[:1] == ("self",):
        owner = frame.f_locals.get("self")
        if owner is not None:
            return f"{type(owner).__name__}.{code.co_name}"
    return f"{Path(code.co_filename).stem}.{code.co_name}"


class Sampler:
    def __init__(self, out: Path, interval: float) -> None:
        self.out = out
        self.interval = interval
        self.main_id = threading.main_thread().ident
        self.lock = threading.Lock()
        self.reset()

    def reset(self, *_: Any) -> None:
        with self.lock:
            self.counts: Counter[str] = Counter()
            self.samples = 0
            self.idle = 0
            self.started_cpu = time.process_time()
            self.started = time.monotonic()

    def sample(self) -> None:
        frame = sys._current_frames().get(self.main_id)  # type: ignore[arg-type]
        if frame is None:
            return
        names: set[str] = set()
        top = frame
        while frame is not None:
            names.add(frame_name(frame))
            frame = frame.f_back
        with self.lock:
            self.samples += 1
            if frame_name(top) in IDLE_TOPS:
                self.idle += 1
            self.counts.update(names)

    def dump(self) -> None:
        with self.lock:
            data = {
                "samples": self.samples,
                "idle": self.idle,
                "interval_s": self.interval,
                "wall_s": time.monotonic() - self.started,
                "process_cpu_s": time.process_time() - self.started_cpu,
                "inclusive": dict(self.counts.most_common(400)),
            }
        tmp = self.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.out)

    def run(self) -> None:
        last_dump = time.monotonic()
        while True:
            time.sleep(self.interval)
            self.sample()
            if time.monotonic() - last_dump > 3:
                self.dump()
                last_dump = time.monotonic()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--interval", type=float, default=0.005)
    parser.add_argument("--module", default="bot.server", help="the server module to run")
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    sampler = Sampler(args.out, args.interval)
    signal.signal(signal.SIGUSR1, sampler.reset)
    atexit.register(sampler.dump)
    threading.Thread(target=sampler.run, name="kefu-sampler", daemon=True).start()
    sys.argv = [args.module, *[a for a in args.rest if a != "--"]]
    runpy.run_module(args.module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
