"""Sign-in throttling by client address: the account lockout (access.accounts) stops one account
being guessed, this stops one address guessing many accounts (password spraying, credential
stuffing). Failures are kept in the control plane, so every portal worker sees the same count;
the address is kept only as a keyed hash."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, func, insert, select

from access.clock import now
from access.db import engine
from access.errors import AuthenticationError
from access.models import signin_failures

MAX_CLIENT_FAILURES = 20  # failed sign-ins from one address within the window before it waits
WINDOW = dt.timedelta(minutes=15)
THROTTLED = ("该网络地址登录失败次数过多，请 15 分钟后再试；"
             "忘记密码请联系数据资源管理局重置")


class SignInThrottled(AuthenticationError):
    """Too many failed sign-ins from one client address within the window."""


def _client(address: str | None) -> str:
    return hashlib.sha256(f"shucang-signin:{address or 'unknown'}".encode()).hexdigest()


def check(address: str | None) -> None:
    """SignInThrottled when `address` failed MAX_CLIENT_FAILURES times within WINDOW; nothing is
    verified for it until the oldest of those failures leaves the window."""
    since = now() - WINDOW
    with engine().connect() as c:
        failures = c.execute(select(func.count()).select_from(signin_failures).where(
            signin_failures.c.client_sha256 == _client(address),
            signin_failures.c.at > since)).scalar_one()
    if failures >= MAX_CLIENT_FAILURES:
        raise SignInThrottled(THROTTLED)


def failed(address: str | None) -> None:
    """Count a failed sign-in from `address` (and forget failures older than the window)."""
    at = now()
    with engine().begin() as c:
        c.execute(delete(signin_failures).where(signin_failures.c.at <= at - WINDOW))
        c.execute(insert(signin_failures).values(client_sha256=_client(address), at=at))
