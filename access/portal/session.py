"""Portal sessions, kept on the server: the cookie carries only a random session id, the control
plane stores its sha256 with the user, the app token it was opened with and its expiry. Signing
out ends the session at once, and so does revoking the token it was opened with."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import insert, select, update

from access import accounts, orgs
from access.clock import aware, now
from access.db import engine
from access.errors import UnknownEntityError
from access.models import sessions

COOKIE = "shucang_session"
PRESESSION = "shucang_presession"  # a browser not yet signed in (CSRF and OIDC state)
LIFETIME = dt.timedelta(hours=8)


class NotSignedIn(Exception):
    """No valid session cookie: the page redirects to the sign-in form."""


class PasswordChangeRequired(Exception):
    """The user signed in with a temporary password: every page leads to the change form."""


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


def current_user(request: Request, pending_change: bool = False) -> dict[str, Any]:
    """The signed-in user of `request`; NotSignedIn without a live session, and
    PasswordChangeRequired while a temporary password is unchanged (unless `pending_change`)."""
    user_id = user_of(request.cookies.get(COOKIE))
    if user_id is None:
        raise NotSignedIn
    try:
        user = orgs.get_user(user_id)
    except UnknownEntityError:
        raise NotSignedIn from None
    if not pending_change and accounts.must_change(user_id):
        raise PasswordChangeRequired
    return user


def open_for(response: Response, request: Request, user_id: str,
             token_id: str | None = None) -> Response:
    """Sign `user_id` in on `response`: a new server-side session in an HttpOnly, SameSite=Strict
    cookie (Secure over https). A session the browser still had ends, and the pre-session
    cookie of the sign-in form is dropped."""
    end(request.cookies.get(COOKIE))
    response.set_cookie(COOKIE, issue(user_id, token_id=token_id), httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    response.delete_cookie(PRESESSION)
    return response
