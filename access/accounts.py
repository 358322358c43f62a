"""Password accounts of people (street and community staff, reviewers): argon2id hashes, a
temporary password from the bureau that must be changed at first sign-in, and a lockout with
exponential backoff after repeated failures. Owns rows of access_accounts; app tokens stay in
access.orgs."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update

from access.clock import aware, now
from access.db import engine
from access.errors import AuthenticationError, PasswordPolicyError
from access.models import accounts, sessions
from access.orgs import get_user

# argon2-cffi's defaults: argon2id, RFC 9106 "second recommended" (t=3, 64 MiB, p=4)
HASHER = PasswordHasher()
MAX_FAILURES = 5  # consecutive failures before the account locks
LOCKOUT = dt.timedelta(minutes=15)  # first lock; doubled for every further failure, up to a day
MAX_LOCKOUT = dt.timedelta(days=1)
MIN_LENGTH, MAX_LENGTH = 10, 128
# one message for unknown users, wrong passwords and locked accounts: no account enumeration
SIGN_IN_REFUSED = ("用户名或密码错误；连续输错 5 次账号将暂时锁定（15 分钟起），"
                   "忘记密码请联系数据资源管理局重置")
# unambiguous characters for temporary passwords read out over the phone
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash(secrets.token_urlsafe(16))


def _account(user_id: str) -> dict[str, Any] | None:
    with engine().connect() as c:
        row = c.execute(select(accounts).where(accounts.c.user_id == user_id)).mappings().first()
    return dict(row) if row else None


def check_policy(user_id: str, password: str) -> None:
    """PasswordPolicyError unless `password` is 10-128 characters, is not the user id and has
    at least three distinct characters of at least two kinds (letters, digits, others)."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise PasswordPolicyError(f"密码长度须为 {MIN_LENGTH}-{MAX_LENGTH} 个字符")
    if user_id.lower() in password.lower():
        raise PasswordPolicyError("密码不能包含用户名")
    kinds = {("letter" if ch.isalpha() else "digit" if ch.isdigit() else "other")
             for ch in password}
    if len(set(password)) < 3 or len(kinds) < 2:
        raise PasswordPolicyError("密码须包含字母、数字、符号中的至少两类，且不能是重复字符")


def issue_temporary_password(user_id: str) -> str:
    """Create or reset `user_id`'s account with a new temporary password (returned once, stored
    as argon2id): the lock is lifted, the user must set a new password at sign-in, and every
    open portal session of the user ends."""
    get_user(user_id)
    temporary = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    values = {"password_argon2": HASHER.hash(temporary), "must_change": True,
              "failed_attempts": 0, "locked_until": None, "password_set_at": now()}
    with engine().begin() as c:
        if c.execute(update(accounts).where(accounts.c.user_id == user_id)
                     .values(**values)).rowcount == 0:
            c.execute(insert(accounts).values(user_id=user_id, created_at=now(), **values))
        c.execute(update(sessions).where(sessions.c.user_id == user_id,
                                         sessions.c.ended_at.is_(None)).values(ended_at=now()))
    return temporary


def _failed(user_id: str, failures: int) -> None:
    values: dict[str, Any] = {"failed_attempts": accounts.c.failed_attempts + 1}
    if failures + 1 >= MAX_FAILURES:
        values["locked_until"] = now() + min(LOCKOUT * 2 ** (failures + 1 - MAX_FAILURES),
                                             MAX_LOCKOUT)
    with engine().begin() as c:
        c.execute(update(accounts).where(accounts.c.user_id == user_id).values(**values))


def sign_in(user_id: str, password: str) -> dict[str, Any]:
    """The user `user_id` when `password` is theirs and the account is not locked; else
    AuthenticationError with one message for every cause. Failures count toward the lockout."""
    account = _account(user_id) if len(password) <= MAX_LENGTH else None
    stored = account["password_argon2"] if account else None
    if account is None or stored is None:
        # the same argon2 work as a real check, so timing does not tell who has an account
        with contextlib.suppress(VerificationError):
            HASHER.verify(_dummy_hash(), password[:MAX_LENGTH])
        raise AuthenticationError(SIGN_IN_REFUSED)
    if account["locked_until"] is not None and aware(account["locked_until"]) > now():
        _failed(user_id, account["failed_attempts"])
        raise AuthenticationError(SIGN_IN_REFUSED)
    try:
        HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        _failed(user_id, account["failed_attempts"])
        raise AuthenticationError(SIGN_IN_REFUSED) from None
    values: dict[str, Any] = {"failed_attempts": 0, "locked_until": None}
    if HASHER.check_needs_rehash(stored):
        values["password_argon2"] = HASHER.hash(password)
    with engine().begin() as c:
        c.execute(update(accounts).where(accounts.c.user_id == user_id).values(**values))
    return get_user(user_id)


def change_password(user_id: str, current: str, new: str) -> None:
    """Set `user_id`'s own password after checking the current one (a temporary one included)
    and the policy; the forced change is then done."""
    sign_in(user_id, current)
    if new == current:
        raise PasswordPolicyError("新密码不能与当前密码相同")
    check_policy(user_id, new)
    with engine().begin() as c:
        c.execute(update(accounts).where(accounts.c.user_id == user_id).values(
            password_argon2=HASHER.hash(new), must_change=False, password_set_at=now()))


def has_password(user_id: str) -> bool:
    """Whether `user_id` has a password account (else they sign in by OIDC or token)."""
    account = _account(user_id)
    return bool(account and account["password_argon2"])


def must_change(user_id: str) -> bool:
    """Whether `user_id` signed in with a temporary password not yet replaced."""
    account = _account(user_id)
    return bool(account and account["must_change"] and account["password_argon2"])


def list_accounts() -> dict[str, dict[str, Any]]:
    """Every account by user id (no hashes): must_change, failed_attempts, locked_until,
    password_set_at."""
    cols = [accounts.c.user_id, accounts.c.must_change, accounts.c.failed_attempts,
            accounts.c.locked_until, accounts.c.password_set_at]
    with engine().connect() as c:
        return {r["user_id"]: dict(r) for r in c.execute(select(*cols)).mappings()}
