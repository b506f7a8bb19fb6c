"""`python -m console`: serve the console, or `create-user` to make the first admin.

python -m console                                  # serve on KEFU_CONSOLE_HOST:PORT
python -m console create-user alice --role admin   # asks for the password twice
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys

from aiohttp import web

from console.app import create_app
from console.config import ConsoleConfig
from crm_store.db import create_engine, create_sessionmaker
from crm_store.errors import CrmError
from crm_store.services.agents import create_agent
from kefu.private_files import stored_secret
from kefu.settings import Settings, settings_or_say


def config_from(settings: Settings) -> ConsoleConfig:
    """The console's config: the secret from KEFU_CONSOLE_SECRET, else var/console-secret."""
    secret = settings.secrets.console_secret or stored_secret("console_secret")
    assert secret is not None  # stored_secret creates it
    return ConsoleConfig(
        database_url=settings.database.url,
        secret=secret,
        secure_cookies=settings.console_secure_cookies,
        # The live handoff needs Rasa's HTTP API, on the Rasa server of this machine.
        rasa_api_url=f"http://127.0.0.1:{settings.rasa_port}" if settings.rasa_api else None,
        rasa_jwt_secret=settings.secrets.rasa_jwt_secret or stored_secret("rasa_jwt_secret"),
        # The same key the Rasa server checks: from KEFU_CHAT_SECRET, else var/chat-secret.
        chat_secret=settings.secrets.chat_secret or stored_secret("chat_secret"),
        chat_socket_url=settings.chat_url,
        chat_embed_origins=settings.chat_origins,
    )


async def _create_user(settings: Settings, username: str, role: str, password: str) -> str:
    engine = create_engine(settings.database.url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            created = await create_agent(session, username, password, role)
    finally:
        await engine.dispose()
    return f"Created {created.role} {created.username!r} (id {created.id})."


def _password() -> str:
    given = os.environ.get("KEFU_CONSOLE_PASSWORD")  # for scripts; never on a command line
    if given:
        return given
    first = getpass.getpass("Password (12+ characters): ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("The passwords differ.")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the console (the default)")
    create = commands.add_parser("create-user", help="create a console account")
    create.add_argument("username")
    create.add_argument("--role", choices=["agent", "admin"], default="agent")
    args = parser.parse_args(argv)
    settings = settings_or_say("python -m console")
    if settings is None:
        return 2
    if args.command == "create-user":
        try:
            print(asyncio.run(_create_user(settings, args.username, args.role, _password())))
        except CrmError as error:
            print(f"python -m console: {error}", file=sys.stderr)
            return 1
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = create_app(config_from(settings))
    print(f"Console on http://{settings.console_host}:{settings.console_port}/", flush=True)
    web.run_app(
        app, host=settings.console_host, port=settings.console_port, print=None, access_log=None
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
