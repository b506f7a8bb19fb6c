"""Command line of the running system: `python -m bot run | train | shell`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.processes import StartupError
from crm_store.settings import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start Kefu (databases, model, servers, exchange logger)")
    commands.add_parser("train", help="train the Rasa model if its data or config changed")
    commands.add_parser("shell", help="chat with the running bot in this terminal")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"kefu: {error}", file=sys.stderr)
        return 2

    if args.command == "shell":
        from bot.shell import chat

        return chat(f"http://127.0.0.1:{settings.rasa_port}")
    if args.command == "train":
        from bot.model_cache import ensure_model

        model = ensure_model()
        state = f"trained in {model.seconds:.0f} s" if model.trained_now else "up to date"
        print(f"{model.path} ({state})")
        return 0

    from bot.launcher import run

    try:
        return asyncio.run(run(settings))
    except StartupError as error:
        print(f"kefu: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
