"""`python -m bot.server ARGS`: `rasa run ARGS`, with the HTTP API's JWT secret kept off the
command line.

The launcher hands the secret over in KEFU_RASA_JWT_SECRET; it is added to Rasa's own arguments
inside this process (so `ps` never shows it) and removed from the environment its children see.
Without the secret (KEFU_RASA_API=off), Rasa's HTTP API stays off; with it, only the console's
live handoff uses it (pause, agents' replies, resume).
Kefu's speed-ups of Rasa's per-message costs (`bot/speedups.py`) are applied here too, the
loaded model frozen out of the garbage collector (`bot/heap.py`), the fused submit of a
completed form (`bot/fused_submit.py`), and the gate that admits
KEFU_TURNS_AT_ONCE turns at a time (`bot/admission.py`; unset or 0: no gate).
Given KEFU_RASA_CPU (the production profile's launcher sets it, kefu/servers.py), the server
keeps to that core, it and every thread it starts.
"""

from __future__ import annotations

import os
import sys


def rasa_arguments(arguments: list[str], jwt_secret: str | None) -> list[str]:
    """The `rasa run` command line for `arguments`, with the API on only given a JWT secret.

    Loopback unless an interface is given: `rasa run` itself listens on 0.0.0.0, so a server
    started by hand would have answered strangers on every interface."""
    named = any(a in ("-i", "--interface") or a.startswith("--interface=") for a in arguments)
    command = ["rasa", "run", *arguments, *([] if named else ["--interface", "127.0.0.1"])]
    if jwt_secret:
        # One argument, "--jwt-secret=…": a secret that starts with "-" would read as an option.
        command += ["--enable-api", f"--jwt-secret={jwt_secret}", "--jwt-method", "HS256"]
    return command


def keep_to_cpu(value: str | None) -> int | None:
    """Run this process (and the threads it starts from now on) on core `value` only; the
    core, or None when unset or not a core this process may use (it then runs anywhere)."""
    if not value:
        return None
    try:
        cpu = int(value)
        os.sched_setaffinity(0, {cpu})
    except (ValueError, OSError) as error:
        print(f"KEFU_RASA_CPU={value!r} ignored: {error}", file=sys.stderr)
        return None
    return cpu


def main() -> None:
    # First: threads started later (onnxruntime's, TensorFlow's, the broker's) inherit it.
    keep_to_cpu(os.environ.pop("KEFU_RASA_CPU", None))
    jwt_secret = os.environ.pop("KEFU_RASA_JWT_SECRET", None)
    sys.argv = rasa_arguments(sys.argv[1:], jwt_secret)
    from bot import admission, fused_submit, heap, speedups

    # Before Rasa is imported: what only training needs is imported on first use.
    speedups.defer_imports()
    from rasa.__main__ import main as rasa_main

    speedups.apply()
    heap.apply()
    fused_submit.apply()
    admission.apply(
        int(os.environ.get("KEFU_TURNS_AT_ONCE") or 0),
        # A turn stuck this long has had its "taking longer" reply (bot/guard.py).
        hold_limit=float(os.environ.get("KEFU_REPLY_TIMEOUT_SECONDS") or 10),
    )

    rasa_main()


if __name__ == "__main__":
    main()
