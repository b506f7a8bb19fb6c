"""`python -m console create-user` and the settings the console is started with."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.__main__ import config_from, main
from crm_store.db import create_engine, create_sessionmaker
from crm_store.services.agents import authenticate
from kefu.settings import SettingsError, load_settings


async def _login(url: str, username: str, password: str) -> bool:
    engine = create_engine(url)
    sessions: async_sessionmaker[AsyncSession] = create_sessionmaker(engine)
    try:
        async with sessions() as session, session.begin():
            return await authenticate(session, username, password, "test") is not None
    finally:
        await engine.dispose()


async def test_create_user_makes_the_first_admin(
    empty_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KEFU_DATABASE_URL", empty_url)
    monkeypatch.setenv("KEFU_CONSOLE_PASSWORD", "first admin password")
    code = await asyncio.to_thread(main, ["create-user", "Root", "--role", "admin"])
    assert code == 0 and "Created admin 'root'" in capsys.readouterr().out
    assert await _login(empty_url, "root", "first admin password")
    again = await asyncio.to_thread(main, ["create-user", "root"])
    assert again == 1 and "taken" in capsys.readouterr().err


def test_console_settings() -> None:
    settings = load_settings(
        {"KEFU_CONSOLE_PORT": "8100", "KEFU_CONSOLE_SECRET": "s" * 20, "KEFU_CONSOLE_HOST": "::1"}
    )
    assert (settings.console_port, settings.console_host) == (8100, "::1")
    config = config_from(settings)
    assert config.secret == "s" * 20 and config.secure_cookies
    assert len(config.cookie_key()) == 32
    assert load_settings({}).console_port == 8000
    assert not load_settings({"KEFU_CONSOLE_SECURE_COOKIES": "off"}).console_secure_cookies
    for bad in ({"KEFU_CONSOLE_PORT": "5005"}, {"KEFU_CONSOLE_SECRET": "short"}):
        with pytest.raises(SettingsError):
            load_settings(bad)
