"""CSRF tokens of the portal (OWASP's synchronizer token, derived rather than stored): a
signed-in browser's token is an HMAC of its server-side session id, a browser not yet signed in
gets a random pre-session cookie and a token derived from it, so a forged sign-in (login CSRF)
fails as well. Checked on every state-changing request, besides the Origin check of app.py."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request

from access.errors import RequestForgeryError
from access.keys import master_secret
from access.portal import session

FIELD = "csrf_token"  # the hidden form field
HEADER = "X-CSRF-Token"  # or this header, for scripts of the portal's own pages
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
FORGED = "表单已失效或不是从本门户的页面提交的（缺少或不符的安全令牌），请刷新页面后重新提交"


def new_presession() -> str:
    """A fresh pre-session cookie value for a browser that is not signed in."""
    return secrets.token_urlsafe(32)


def _derive(purpose: str, value: str) -> str:
    return hmac.new(master_secret(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def token(request: Request, presession: str | None = None) -> str:
    """The token the portal's forms carry for this browser: from its live session, else from
    its pre-session (`presession` when it is being set by this very response); "" without
    either."""
    cookie = request.cookies.get(session.COOKIE)
    if cookie and session.user_of(cookie) is not None:
        return _derive("session", cookie)
    presession = presession or request.cookies.get(session.PRESESSION)
    return _derive("presession", presession) if presession else ""


async def check(request: Request) -> None:
    """RequestForgeryError unless a state-changing request outside /api (which takes bearer
    tokens only, never cookies) carries this browser's token in the form or the header."""
    if request.method in SAFE_METHODS or request.url.path.startswith("/api/"):
        return
    submitted = request.headers.get(HEADER)
    if submitted is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        submitted = str((await request.form()).get(FIELD) or "")
    expected = token(request)
    if not expected or not hmac.compare_digest(expected, submitted or ""):
        raise RequestForgeryError(FORGED)
