"""Portal sessions, kept on the server: the cookie carries only a random session id, the control
plane stores its sha256 with the user, the app token it was opened with and its expiry. Signing
out ends the session at once, and so does revoking the token it was opened with."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import insert, select, update

from access.clock import aware, now
from access.db import engine
from access.models import sessions

COOKIE = "shucang_session"
LIFETIME = dt.timedelta(hours=8)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def issue(user_id: str, token_id: str | None = None, lifetime: dt.timedelta = LIFETIME) -> str:
    """Open a session for `user_id` (signed in with app token `token_id`, if any); the cookie
    value, which is never stored."""
    session_id = secrets.token_urlsafe(32)
    with engine().begin() as c:
        c.execute(insert(sessions).values(
            session_sha256=_digest(session_id), user_id=user_id, token_id=token_id,
            created_at=now(), expires_at=now() + lifetime))
    return session_id


def user_of(cookie: str | None) -> str | None:
    """The user of a live session, else None (unknown, ended or expired)."""
    if not cookie:
        return None
    with engine().connect() as c:
        row = c.execute(select(sessions).where(sessions.c.session_sha256 == _digest(cookie))
                        ).mappings().first()
    if row is None or row["ended_at"] is not None or aware(row["expires_at"]) <= now():
        return None
    return str(row["user_id"])


def end(cookie: str | None) -> None:
    """End the session of `cookie` (signing out); unknown cookies are ignored."""
    if cookie:
        with engine().begin() as c:
            c.execute(update(sessions).where(sessions.c.session_sha256 == _digest(cookie),
                                             sessions.c.ended_at.is_(None)).values(ended_at=now()))
