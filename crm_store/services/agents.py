"""Console accounts: create, authenticate (with login throttling), disable, reset, change role."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.console_models import LoginAttempt
from crm_store.errors import CrmError, InvalidValue
from crm_store.models import AgentRole, AgentUser, utcnow
from crm_store.passwords import hash_password, verify_password
from crm_store.services._common import row_or_not_found, value_of

MIN_PASSWORD_CHARS = 12
# Failed logins allowed per username, and per client address, inside the window.
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 20
THROTTLE_WINDOW = timedelta(minutes=15)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")


class LoginThrottled(CrmError):
    """Too many failed logins for this username or client; try again later."""


class UsernameTaken(CrmError):
    """Another account has that username or email address."""


@dataclass(frozen=True)
class AgentView:
    id: int
    username: str
    email: str
    display_name: str
    role: str
    is_active: bool
    created_at: datetime


def _view(user: AgentUser) -> AgentView:
    return AgentView(
        user.id,
        user.username,
        user.email,
        user.display_name,
        value_of(user.role),
        user.is_active,
        user.created_at,
    )


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise InvalidValue("password", f"A password has at least {MIN_PASSWORD_CHARS} characters.")
    if len(password) > 1024:
        raise InvalidValue("password", "A password has at most 1024 characters.")
    return password


def _role(role: str) -> AgentRole:
    try:
        return AgentRole(role)
    except ValueError:
        raise InvalidValue("role", "The role is agent or admin.") from None


async def create_agent(
    session: AsyncSession,
    username: str,
    password: str,
    role: str = "agent",
    email: str | None = None,
    display_name: str | None = None,
) -> AgentView:
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise InvalidValue("username", "2 to 64 lower-case letters, digits, . _ -")
    # scrypt costs ~50 ms of CPU: off the event loop.
    hashed = await asyncio.to_thread(hash_password, check_password(password))
    email = (email or f"{name}@console.invalid").strip().lower()
    taken = await session.scalar(
        select(AgentUser.id).where(or_(AgentUser.username == name, AgentUser.email == email))
    )
    if taken is not None:
        raise UsernameTaken(f"The username {name!r} or its email is taken.")
    user = AgentUser(
        username=name,
        email=email,
        display_name=(display_name or name).strip()[:100],
        role=_role(role),
        password_hash=hashed,
        is_active=True,
    )
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:  # created by someone else between the check and now
        raise UsernameTaken(f"The username {name!r} or its email is taken.") from None
    return _view(user)


async def _failures(session: AsyncSession, column: object, value: str) -> int:
    since = utcnow() - THROTTLE_WINDOW
    return int(
        await session.scalar(
            select(func.count(LoginAttempt.id)).where(
                column == value,  # type: ignore[operator]
                LoginAttempt.attempted_at >= since,
            )
        )
        or 0
    )


async def authenticate(
    session: AsyncSession, username: str, password: str, client: str
) -> AgentView | None:
    """The active account these credentials open, else None (and the failure is counted).

    Raises LoginThrottled before checking anything once the username or the client has failed
    too often in the window, so a guesser learns nothing more, right or wrong.
    """
    name = (username or "").strip().lower()[:64]
    client = (client or "unknown")[:64]
    if (
        await _failures(session, LoginAttempt.username, name) >= MAX_FAILURES_PER_USER
        or await _failures(session, LoginAttempt.client, client) >= MAX_FAILURES_PER_CLIENT
    ):
        raise LoginThrottled("Too many failed logins; wait a few minutes and try again.")
    user = await session.scalar(select(AgentUser).where(AgentUser.username == name))
    ok = (
        user is not None
        and user.is_active
        and await asyncio.to_thread(verify_password, password or "", user.password_hash)
    )
    if not ok or user is None:
        session.add(LoginAttempt(username=name, client=client, attempted_at=utcnow()))
        await session.flush()
        return None
    await session.execute(delete(LoginAttempt).where(LoginAttempt.username == name))
    return _view(user)


async def get_agent(session: AsyncSession, agent_id: int) -> AgentView | None:
    user = await session.get(AgentUser, agent_id)
    return _view(user) if user is not None else None


async def list_agents(session: AsyncSession) -> list[AgentView]:
    return [_view(u) for u in await session.scalars(select(AgentUser).order_by(AgentUser.id))]


async def _user(session: AsyncSession, agent_id: int) -> AgentUser:
    return await row_or_not_found(session, AgentUser, agent_id, "user")


async def _other_active_admins(session: AsyncSession, agent_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count(AgentUser.id)).where(
                AgentUser.role == AgentRole.admin,
                AgentUser.is_active.is_(True),
                AgentUser.id != agent_id,
            )
        )
        or 0
    )


async def set_active(session: AsyncSession, agent_id: int, active: bool) -> AgentView:
    user = await _user(session, agent_id)
    if (
        not active
        and user.role == AgentRole.admin
        and not await _other_active_admins(session, agent_id)
    ):
        raise InvalidValue("active", "The last active admin cannot be disabled.")
    user.is_active = active
    return _view(user)


async def set_role(session: AsyncSession, agent_id: int, role: str) -> AgentView:
    user = await _user(session, agent_id)
    new_role = _role(role)
    demoted = new_role != AgentRole.admin and user.role == AgentRole.admin
    if demoted and not await _other_active_admins(session, agent_id):
        raise InvalidValue("role", "The last active admin must stay an admin.")
    user.role = new_role
    return _view(user)


async def reset_password(session: AsyncSession, agent_id: int, password: str) -> AgentView:
    user = await _user(session, agent_id)
    user.password_hash = await asyncio.to_thread(hash_password, check_password(password))
    await session.execute(delete(LoginAttempt).where(or_(LoginAttempt.username == user.username)))
    return _view(user)
