"""`python -m actions`: the action server, on loopback unless configured, behind its token."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import timedelta

from actions import handoff, identification_state, similar_cases
from actions.server import create_app
from crm_store.opening_hours import parse_opening_hours
from kefu.paths import TICKET_INDEX_CACHE
from kefu.settings import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface (default: loopback)")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"python -m actions: {error}", file=sys.stderr)
        return 2
    token = settings.secrets.action_server_token
    if not token:
        print(
            "python -m actions: set KEFU_ACTION_SERVER_TOKEN (`python -m kefu run` does).",
            file=sys.stderr,
        )
        return 2
    identification_state.configure(fresh_proof=timedelta(minutes=settings.reverify_minutes))
    handoff.configure(parse_opening_hours(settings.opening_hours, settings.opening_timezone))
    similar_cases.configure(TICKET_INDEX_CACHE)
    app = create_app(token)
    app.run(host=args.host, port=settings.action_port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
