"""The hostile case table of the portal and the app API, as an attacker would try them: forged
forms (CSRF, login CSRF, foreign origins), privilege escalation on the account pages, sign-in
abuse, and tokens used beyond their scope. Every row is refused with its status and message,
and a refused request changes nothing on the control plane."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from access import accounts as passwords
from access import orgs, workflow
from access.db import engine
from access.models import accounts, grants, requests, transitions, users
from tests.support.access_world import build_city, grant_through, household_scope, shared_home
from tests.support.portal import adopt_session_token, browser, form_token, post_login, signed_in

EVIL = "http://evil.example"
REQUEST_FORM = {"dataset": "household_register", "purpose": "p", "scenario": "s", "columns": ["sex"],
                "start": "2026-01-01", "end": "2026-02-01"}
NEW_PERSON = {"user_id": "mallory", "name": "m", "org_id": "xixi", "role": "reviewer"}

WEB_ATTACKS: list[tuple[str, str, str, str, dict[str, Any], str, str, int, str]] = [
    # (case, who, method, path, form, csrf token sent, origin, status, message)
    # -- forged forms: CSRF and login CSRF
    ("login without token", "anonymous", "POST", "/login", {"token": "{chen_token}"}, "none", "own", 403, "安全令牌"),
    ("login with the attacker's pre-session token", "anonymous", "POST", "/login", {"token": "{chen_token}"},
     "foreign_presession", "own", 403, "安全令牌"),
    ("login with empty token", "anonymous", "POST", "/login", {"token": "{chen_token}"}, "empty", "own", 403, "安全令牌"),
    ("login from a foreign origin", "anonymous", "POST", "/login", {"token": "{chen_token}"}, "own", "evil", 403,
     "请求来源不符"),
    ("login from a sandboxed frame (Origin: null)", "anonymous", "POST", "/login", {"token": "{chen_token}"},
     "own", "null", 403, "请求来源不符"),
    ("logout without token", "chen", "POST", "/logout", {}, "none", "own", 403, "安全令牌"),
    ("request with another session's token", "chen", "POST", "/requests", REQUEST_FORM, "other_session", "own",
     403, "安全令牌"),
    ("request with the pre-session token after sign-in", "chen", "POST", "/requests", REQUEST_FORM, "presession",
     "own", 403, "安全令牌"),
    ("request with the token of a signed-out session", "chen", "POST", "/requests", REQUEST_FORM, "stale", "own",
     403, "安全令牌"),
    ("request with the token in the query string", "chen", "POST", "/requests?csrf_token={own}", REQUEST_FORM,
     "none", "own", 403, "安全令牌"),
    ("request from a foreign origin", "chen", "POST", "/requests", REQUEST_FORM, "own", "evil", 403, "请求来源不符"),
    ("request without Origin or Referer", "chen", "POST", "/requests", REQUEST_FORM, "own", "none", 403,
     "请求来源不符"),
    ("bureau pass without token", "wang", "POST", "/review/{rid}/bureau", {"action": "pass"}, "none", "own", 403,
     "安全令牌"),
    ("owner decision without token", "li", "POST", "/review/{rid}/decide",
     {"action": "approved", "dataset": "household_register"}, "none", "own", 403, "安全令牌"),
    ("password reset without token", "wang", "POST", "/accounts/chen/reset", {}, "none", "own", 403, "安全令牌"),
    ("account creation from a foreign origin", "wang", "POST", "/accounts", NEW_PERSON, "own", "evil", 403,
     "请求来源不符"),
    ("password change without token", "chen", "POST", "/password",
     {"current": "x", "new": "Xixi-2026!grid", "repeat": "Xixi-2026!grid"}, "none", "own", 403, "安全令牌"),
    # -- the account pages: only the bureau's reviewers and admins, only people
    ("street lists accounts", "chen", "GET", "/accounts", {}, "own", "own", 403, "账号管理仅供"),
    ("street resets the bureau's password", "chen", "POST", "/accounts/wang/reset", {}, "own", "own", 403,
     "账号管理仅供"),
    ("street creates a reviewer", "chen", "POST", "/accounts", NEW_PERSON, "own", "own", 403, "账号管理仅供"),
    ("department creates an account", "li", "POST", "/accounts", NEW_PERSON, "own", "own", 403, "账号管理仅供"),
    ("bureau gives an app a password", "wang", "POST", "/accounts",
     {**NEW_PERSON, "org_id": "parking"}, "own", "own", 403, "令牌"),
    ("bureau resets an app's password", "wang", "POST", "/accounts/parking-bot/reset", {}, "own", "own", 403,
     "令牌"),
    ("bureau takes over an existing user id", "wang", "POST", "/accounts", {**NEW_PERSON, "user_id": "chen"},
     "own", "own", 400, "已被使用"),
    ("bureau creates a path-like user id", "wang", "POST", "/accounts", {**NEW_PERSON, "user_id": "../etc"},
     "own", "own", 400, "用户名须为"),
    ("bureau creates an empty user id", "wang", "POST", "/accounts", {**NEW_PERSON, "user_id": " "},
     "own", "own", 400, "用户名须为"),
    ("bureau creates a user in an unknown org", "wang", "POST", "/accounts", {**NEW_PERSON, "org_id": "nope"},
     "own", "own", 404, "nope"),
    ("bureau creates a user with an unknown role", "wang", "POST", "/accounts", {**NEW_PERSON, "role": "root"},
     "own", "own", 400, "root"),
    ("bureau resets an unknown user", "wang", "POST", "/accounts/nobody/reset", {}, "own", "own", 404, "nobody"),
    ("street issues an app token", "chen", "POST", "/accounts/token", {"user_id": "chen", "grant": "{grant}"},
     "own", "own", 403, "账号管理仅供"),
    ("bureau binds a token to another org's grant", "wang", "POST", "/accounts/token",
     {"user_id": "zhao", "grant": "{grant}"}, "own", "own", 400, "does not belong"),
    ("bureau binds an app to a grant of a street", "wang", "POST", "/accounts/token",
     {"user_id": "parking-bot", "grant": "{grant}"}, "own", "own", 400, "does not belong"),
    ("bureau issues a token bound to nothing", "wang", "POST", "/accounts/token", {"user_id": "sun"}, "own",
     "own", 400, "至少一个"),
    ("bureau issues a token for ten years", "wang", "POST", "/accounts/token",
     {"user_id": "sun", "grant": "{grant}", "days": "3650"}, "own", "own", 400, "1-366"),
    ("app token without CSRF token", "wang", "POST", "/accounts/token", {"user_id": "sun", "grant": "{grant}"},
     "none", "own", 403, "安全令牌"),
    # -- sign-in abuse: one message, no session, no 500
    ("unknown user", "anonymous", "POST", "/login", {"username": "nobody", "password": "Xixi-2026!grid"},
     "own", "own", 401, "用户名或密码错误"),
    ("wrong password", "anonymous", "POST", "/login", {"username": "chen", "password": "Xixi-2026!grix"},
     "own", "own", 401, "用户名或密码错误"),
    ("SQL in the user name", "anonymous", "POST", "/login", {"username": "chen' OR '1'='1", "password": "x"},
     "own", "own", 401, "用户名或密码错误"),
    ("NUL in the user name", "anonymous", "POST", "/login", {"username": "chen\x00", "password": "x"},
     "own", "own", 401, "用户名或密码错误"),
    ("a megabyte password", "anonymous", "POST", "/login", {"username": "chen", "password": "x" * 1_000_000},
     "own", "own", 401, "用户名或密码错误"),
    ("empty form", "anonymous", "POST", "/login", {}, "own", "own", 401, "用户名或密码错误"),
    ("an app's grant-bound token", "anonymous", "POST", "/login", {"token": "{app_token}"}, "own", "own", 401,
     "不能登录门户"),
    ("a revoked token", "anonymous", "POST", "/login", {"token": "{revoked_token}"}, "own", "own", 401, "revoked"),
    ("a token-shaped guess", "anonymous", "POST", "/login", {"token": "sct_000000000000_guess"}, "own", "own", 401,
     "unknown token"),
    # -- tokens beyond their scope
    ("the API with a portal session instead of a token", "chen", "GET", "/api/grants", {}, "own", "own", 401,
     "Bearer"),
    ("an app token on another grant", "app", "POST", "/api/grants/{other}/query",
     {"sql": "SELECT 1"}, "own", "own", 401, "bound to"),
    ("an app token for another grant's manifest", "app", "GET", "/api/grants/{other}/manifest", {}, "own", "own",
     403, "bound to"),
    ("an app token for another grant's file", "app", "GET", "/api/grants/{other}/household_register.csv", {},
     "own", "own", 401, "bound to"),
    ("another street's token on a grant", "zhao_token", "POST", "/api/grants/{grant}/query",
     {"sql": "SELECT 1"}, "own", "own", 403, "xixi"),
    ("another street's session on a download", "zhao", "GET", "/grants/{grant}/download/household_register.csv",
     {}, "own", "own", 403, "xixi"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: Any) -> Iterator[dict[str, str]]:
    """A city with two grants of 西溪街道, a request waiting for review, an app bound to the
    first grant, and a revoked token."""
    with shared_home(tmp_path_factory):
        build_city()
        grant = grant_through(household_scope())
        other = grant_through(household_scope(), purpose="出租房屋排查")
        orgs.create_org("parking", "停车诱导系统", "app")
        orgs.create_user("parking-bot", "parking", "parking", "analyst")
        revoked = orgs.issue_token("chen")
        orgs.revoke_token(revoked.split("_")[1])
        passwords.change_password("chen", passwords.issue_temporary_password("chen"), "Xixi-2026!grid")
        yield {"grant": grant, "other": other, "rid": workflow.submit("chen", "p", "s", household_scope()),
               "app_token": orgs.issue_token("sun", grant_ids=[grant]), "revoked_token": revoked,
               "zhao_token": orgs.issue_token("zhao")}


def _fingerprint() -> tuple[Any, ...]:
    """What a refused request must not change: people, accounts, requests, their moves, grants."""
    with engine().connect() as c:
        # failed attempts may count (that is the lockout); passwords and forced changes may not
        hashes = "".join(str(r) for r in c.execute(select(
            accounts.c.user_id, accounts.c.password_argon2, accounts.c.must_change)
            .order_by(accounts.c.user_id)))
        return (*(c.execute(select(func.count()).select_from(t)).scalar() for t in
                  (users, accounts, requests, transitions)),
                hashlib.sha256(hashes.encode()).hexdigest(),
                tuple(c.execute(select(grants.c.grant_id, grants.c.status).order_by(grants.c.grant_id))))


def _token_for(mode: str, client: TestClient, who: str) -> str | None:
    if mode == "own" and "Authorization" in client.headers:
        return None  # the API takes bearer tokens, never cookies: no CSRF token
    if mode == "own":
        return form_token(client) if who == "anonymous" else client.headers["X-CSRF-Token"]
    if mode == "empty":
        return ""
    if mode == "foreign_presession":
        return form_token(browser())
    if mode == "other_session":
        return signed_in("zhao").headers["X-CSRF-Token"]
    if mode == "stale":
        old = signed_in(who)
        token = old.headers["X-CSRF-Token"]
        old.post("/logout")
        return token
    return None


@pytest.mark.parametrize(("case", "who", "method", "path", "form", "csrf", "origin", "status", "message"),
                         WEB_ATTACKS, ids=[row[0] for row in WEB_ATTACKS])
def test_web_attack_is_refused(world: dict[str, str], case: str, who: str, method: str, path: str,
                               form: dict[str, Any], csrf: str, origin: str, status: int,
                               message: str) -> None:
    values = {**world, "chen_token": orgs.issue_token("chen")}
    headers: dict[str, str] = {}
    if who in ("app", "zhao_token"):
        client = browser()
        client.headers["Authorization"] = f"Bearer {values['app_token' if who == 'app' else who]}"
    elif who == "anonymous":
        client = browser()
    elif csrf == "presession":  # the token this very browser had before it signed in
        client = browser()
        token = form_token(client)
        assert post_login(client, token=orgs.issue_token(who)).status_code == 303
        adopt_session_token(client)
    else:
        client = signed_in(who)
    if csrf != "presession":
        token = _token_for(csrf, client, who)
    values["own"] = client.headers.get("X-CSRF-Token", "")
    client.headers.pop("X-CSRF-Token", None)
    client.headers.pop("Origin", None)
    if origin != "none":
        headers["Origin"] = {"own": "http://testserver", "evil": EVIL, "null": "null"}[origin]
    data = {k: v.format(**values) if isinstance(v, str) else v for k, v in form.items()}
    before = _fingerprint()
    if method == "GET":
        r = client.get(path.format(**values), headers=headers, follow_redirects=False)
    elif path.startswith("/api/"):
        r = client.post(path.format(**values), json=data, headers=headers, follow_redirects=False)
    else:
        if token is not None:
            data["csrf_token"] = token
        r = client.post(path.format(**values), data=data, headers=headers, follow_redirects=False)
    assert r.status_code == status, (case, r.status_code, r.text[:400])
    assert message in r.text, (case, r.text[:400])
    assert _fingerprint() == before, case
    if r.status_code in (401, 403) and path == "/login":
        assert "shucang_session" not in r.headers.get("set-cookie", ""), case


def test_the_corpus_covers_every_class() -> None:
    classes = {"安全令牌", "请求来源不符", "账号管理仅供", "用户名或密码错误", "不能登录门户", "bound to"}
    assert classes <= {row[8] for row in WEB_ATTACKS} and len(WEB_ATTACKS) >= 40
