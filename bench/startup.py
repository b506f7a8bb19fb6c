"""Time from `make run` to the first reply through the REST channel.

    .venv/bin/python -m bench.startup

Starts `make run` (environments already built), sends "hello" every half second until the bot
answers, prints the seconds, then stops the system with Ctrl-C (SIGINT) as a person would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error

from kefu.paths import REPO_ROOT
from kefu.private_files import client_rest_token
from kefu.settings import load_settings
from kefu.shell import send


def main() -> int:
    port = os.environ.get("KEFU_RASA_PORT", "5005")
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "run"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        while process.poll() is None:
            # The launcher generates the REST token on a first run: read it once it exists.
            token = client_rest_token(load_settings().secrets)
            if token is None:
                time.sleep(0.5)
                continue
            try:
                if send(f"http://127.0.0.1:{port}", "bench-startup", "hello", token, 10):
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        first_reply = time.monotonic() - started
    finally:
        os.killpg(process.pid, signal.SIGINT)
        output = process.communicate(timeout=60)[0].decode(errors="replace")
    if process.returncode not in (0, -signal.SIGINT, 130, 2):
        print(output[-3000:])
    print(json.dumps({"seconds_to_first_reply": round(first_reply, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
