"""Portal sign-in: a user signs in with an app token (issued by `shucang tokens issue`); the
session cookie carries the user id, an expiry and an HMAC under the access master secret."""

from __future__ import annotations

import hashlib
import hmac
import time

from access import keys

COOKIE = "shucang_session"
LIFETIME_S = 8 * 3600


def _mac(payload: str) -> str:
    return hmac.new(keys.master_secret(), f"portal:{payload}".encode(), hashlib.sha256).hexdigest()


def issue(user_id: str, lifetime_s: int = LIFETIME_S) -> str:
    """A cookie value naming `user_id` until now + lifetime."""
    payload = f"{user_id}|{int(time.time()) + lifetime_s}"
    return f"{payload}|{_mac(payload)}"


def user_of(cookie: str | None) -> str | None:
    """The user id in a valid, unexpired cookie, else None."""
    if not cookie or cookie.count("|") != 2:
        return None
    user_id, expires, mac = cookie.split("|")
    payload = f"{user_id}|{expires}"
    if not hmac.compare_digest(mac, _mac(payload)) or not expires.isdigit():
        return None
    return user_id if int(expires) > time.time() else None
