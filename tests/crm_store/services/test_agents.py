"""Console accounts: hashed passwords, throttled logins, the last admin kept."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.errors import InvalidValue, NotFound
from crm_store.services.agents import (
    MAX_FAILURES_PER_USER,
    LoginThrottled,
    UsernameTaken,
    authenticate,
    create_agent,
    list_agents,
    reset_password,
    set_active,
    set_role,
)

Sessions = async_sessionmaker[AsyncSession]
PASSWORD = "correct horse battery"


async def test_create_and_authenticate(crm: Sessions) -> None:
    async with crm() as session, session.begin():
        admin = await create_agent(session, "Boss", PASSWORD, role="admin")
        with pytest.raises(UsernameTaken):
            await create_agent(session, "boss", PASSWORD)
        with pytest.raises(InvalidValue):
            await create_agent(session, "eve", "short")
        with pytest.raises(InvalidValue):
            await create_agent(session, "eve", PASSWORD, role="root")
    assert (admin.username, admin.role, admin.is_active) == ("boss", "admin", True)
    async with crm() as session, session.begin():
        assert await authenticate(session, "BOSS", PASSWORD, "10.0.0.1") == admin
        assert await authenticate(session, "boss", "wrong password!", "10.0.0.1") is None
        assert await authenticate(session, "nobody", PASSWORD, "10.0.0.1") is None


async def test_logins_are_throttled_per_username(crm: Sessions) -> None:
    async with crm() as session, session.begin():
        await create_agent(session, "ann", PASSWORD)
    for _ in range(MAX_FAILURES_PER_USER):
        async with crm() as session, session.begin():
            assert await authenticate(session, "ann", "guess guess guess", "10.0.0.2") is None
    async with crm() as session, session.begin():
        with pytest.raises(LoginThrottled):
            await authenticate(session, "ann", PASSWORD, "10.0.0.3")


async def test_disable_reset_and_role_keep_one_admin(crm: Sessions) -> None:
    async with crm() as session, session.begin():
        admin = await create_agent(session, "boss", PASSWORD, role="admin")
        agent = await create_agent(session, "ann", PASSWORD)
        with pytest.raises(InvalidValue):
            await set_active(session, admin.id, False)
        with pytest.raises(InvalidValue):
            await set_role(session, admin.id, "agent")
        with pytest.raises(NotFound):
            await set_role(session, 999, "agent")
        await set_active(session, agent.id, False)
        await reset_password(session, agent.id, "another long password")
        assert (await set_role(session, agent.id, "admin")).role == "admin"
    async with crm() as session, session.begin():
        assert await authenticate(session, "ann", "another long password", "x") is None  # off
        await set_active(session, agent.id, True)
        assert await authenticate(session, "ann", "another long password", "x") is not None
        assert [a.username for a in await list_agents(session)] == ["boss", "ann"]
