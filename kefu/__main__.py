"""Command line of the running system: `python -m kefu run | train | shell | reconcile | nlp`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from kefu.processes import StartupError
from kefu.settings import Settings, SettingsError, load_settings


def _train() -> int:
    from kefu.model_cache import ensure_model

    model = ensure_model()
    state = f"trained in {model.seconds:.0f} s" if model.trained_now else "up to date"
    print(f"{model.path} ({state})")
    return 0


def _reconcile(settings: Settings) -> int:
    from crm_store.cli import CliError
    from kefu.reconcile import reconcile_command

    try:
        added = asyncio.run(reconcile_command(settings))
    except CliError as error:
        print(f"python -m kefu reconcile: {error}", file=sys.stderr)
        return error.code
    print(f"Reconciled the exchange log with the tracker store: added {added} records.")
    return 0


def _run(settings: Settings) -> int:
    from kefu.launcher import run

    try:
        return asyncio.run(run(settings))
    except StartupError as error:
        print(f"kefu: {error}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kefu", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start Kefu (databases, model, servers, exchange logger)")
    commands.add_parser("train", help="train the Rasa model if its data or config changed")
    commands.add_parser("shell", help="chat with the running bot in this terminal")
    commands.add_parser("reconcile", help="add any record missing from the tracker store's events")
    commands.add_parser("nlp", help="NLP jobs over the CRM: train | score | report (see --help)")
    args, rest = parser.parse_known_args(argv)
    if args.command == "nlp":
        from kefu.nlp_jobs import main as nlp_main

        return nlp_main(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"kefu: {error}", file=sys.stderr)
        return 2
    if args.command == "shell":
        from kefu.shell import chat

        return chat(f"http://127.0.0.1:{settings.rasa_port}")
    if args.command == "train":
        return _train()
    if args.command == "reconcile":
        return _reconcile(settings)
    return _run(settings)


if __name__ == "__main__":
    sys.exit(main())
