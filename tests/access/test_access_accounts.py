"""Password accounts: argon2id hashes, the password policy as a case table, the lockout, resets
that end sessions, and the portal path a street office takes without a terminal (the bureau
creates the account, the person signs in, must set their own password, then works)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from access import accounts, throttle
from access.db import engine
from access.errors import AuthenticationError, PasswordPolicyError
from access.models import accounts as accounts_table
from access.models import signin_failures
from access.portal import session
from tests.support.portal import adopt_session_token, browser, post_login, signed_in

POLICY = [
    # (new password for user chen, accepted)
    ("short1!", False),
    ("a" * 10, False),
    ("aaaaaaaaa1", False),  # two distinct characters
    ("abcdefghij", False),  # letters only
    ("1234567890", False),  # digits only
    ("chen2026-xixi", False),  # contains the user name
    ("CHEN2026-xixi", False),
    ("x1" * 65, False),  # over 128
    ("西溪街道网格员2026", True),
    ("correct horse 7 battery", True),
    ("Xixi-2026!grid", True),
    ("a1" + "b" * 126, True),
]


@pytest.mark.parametrize(("password", "ok"), POLICY)
def test_password_policy(password: str, ok: bool) -> None:
    if ok:
        accounts.check_policy("chen", password)
    else:
        with pytest.raises(PasswordPolicyError):
            accounts.check_policy("chen", password)


def _stored(user_id: str) -> dict[str, object]:
    with engine().connect() as c:
        return dict(c.execute(select(accounts_table).where(accounts_table.c.user_id == user_id))
                    .mappings().one())


def test_hashes_are_argon2id_and_never_the_password(city: dict[str, str]) -> None:
    temporary = accounts.issue_temporary_password("chen")
    stored = str(_stored("chen")["password_argon2"])
    assert stored.startswith("$argon2id$") and temporary not in stored
    assert accounts.sign_in("chen", temporary)["user_id"] == "chen"
    assert accounts.must_change("chen")
    accounts.change_password("chen", temporary, "Xixi-2026!grid")
    assert not accounts.must_change("chen")
    with pytest.raises(AuthenticationError):
        accounts.sign_in("chen", temporary)
    assert accounts.sign_in("chen", "Xixi-2026!grid")["org_id"] == "xixi"


def test_one_message_for_every_failure(city: dict[str, str]) -> None:
    accounts.issue_temporary_password("chen")
    messages = set()
    for user, password in [("chen", "wrong-password-1"), ("nobody", "wrong-password-1"),
                           ("wang", "no-account-yet1"), ("chen", "x" * 1_000_000)]:
        with pytest.raises(AuthenticationError) as e:
            accounts.sign_in(user, password)
        messages.add(str(e.value))
    assert messages == {accounts.SIGN_IN_REFUSED}


def test_lockout_after_repeated_failures(city: dict[str, str]) -> None:
    temporary = accounts.issue_temporary_password("chen")
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            accounts.sign_in("chen", "wrong-password-1")
    with pytest.raises(AuthenticationError):
        accounts.sign_in("chen", temporary)  # locked: even the right password is refused
    first_lock = _stored("chen")["locked_until"]
    with engine().begin() as c:  # the lock has run out
        c.execute(update(accounts_table).values(locked_until=None))
    with pytest.raises(AuthenticationError):
        accounts.sign_in("chen", "wrong-password-1")  # one more failure locks again, for longer
    second_lock = _stored("chen")["locked_until"]
    assert isinstance(first_lock, dt.datetime) and isinstance(second_lock, dt.datetime)
    assert second_lock - first_lock > dt.timedelta(minutes=10)  # 15 min, then 30 min
    with engine().begin() as c:
        c.execute(update(accounts_table).values(locked_until=None))
    assert accounts.sign_in("chen", temporary)["user_id"] == "chen"
    assert _stored("chen")["failed_attempts"] == 0


def test_one_address_trying_many_accounts_is_throttled(city: dict[str, str]) -> None:
    """Password spraying: one wrong password per account, from one address, stays under every
    account's lockout; the address is refused before any check once it failed too often, while
    another address signs in, and the count is forgotten after the window."""
    temporary = accounts.issue_temporary_password("chen")
    sprayer = browser(address="203.0.113.7")
    for i in range(throttle.MAX_CLIENT_FAILURES):
        r = post_login(sprayer, username=f"user{i}", password="Spring2026!")
        assert r.status_code == 401
    r = post_login(sprayer, username="chen", password=temporary)  # even the right password
    assert r.status_code == 429 and "登录失败次数过多" in r.text
    assert session.COOKIE not in r.cookies
    assert _stored("chen")["failed_attempts"] == 0  # not counted against chen's account
    assert post_login(browser(address="198.51.100.2"), username="chen",
                      password=temporary).status_code == 303
    with engine().begin() as c:  # the window has passed
        c.execute(update(signin_failures).values(at=dt.datetime.now(dt.UTC) - throttle.WINDOW))
    assert post_login(sprayer, username="chen", password=temporary).status_code == 303


def test_a_reset_ends_sessions_and_the_old_password(city: dict[str, str]) -> None:
    first = accounts.issue_temporary_password("chen")
    cookie = session.issue("chen")
    second = accounts.issue_temporary_password("chen")
    assert session.user_of(cookie) is None
    with pytest.raises(AuthenticationError):
        accounts.sign_in("chen", first)
    assert accounts.sign_in("chen", second)["user_id"] == "chen"


def _temporary(page: str) -> str:
    found = re.search(r'class="temporary-password">([^<]+)<', page)
    assert found, page[:500]
    return found.group(1)


def test_a_street_office_signs_in_without_a_terminal(city: dict[str, str]) -> None:
    bureau = signed_in("wang")
    assert "账号管理" in bureau.get("/").text
    created = bureau.post("/accounts", data={"user_id": "liu", "name": "刘网格员",
                                             "org_id": "xixi", "role": "requester"})
    assert created.status_code == 200 and "账号已开通" in created.text
    temporary = _temporary(created.text)

    person = browser()
    assert "用户名" in person.get("/login").text and "密码" in person.get("/login").text
    r = post_login(person, username="liu", password=temporary)
    assert r.status_code == 303 and r.headers["location"] == "/password"
    adopt_session_token(person)
    assert person.get("/", follow_redirects=False).headers["location"] == "/password"
    weak = person.post("/password", data={"current": temporary, "new": "1234567890",
                                          "repeat": "1234567890"})
    assert weak.status_code == 400 and "两类" in weak.text
    done = person.post("/password", data={"current": temporary, "new": "Xixi-2026!grid",
                                          "repeat": "Xixi-2026!grid"}, follow_redirects=False)
    assert done.status_code == 303
    assert "户籍人口" in person.get("/").text

    reset = bureau.post("/accounts/liu/reset")
    assert "密码已重置" in reset.text
    assert person.get("/", follow_redirects=False).headers["location"] == "/login"
    again = browser()
    assert post_login(again, username="liu", password="Xixi-2026!grid").status_code == 401
    assert post_login(again, username="liu", password=_temporary(reset.text)).status_code == 303


def test_the_bureau_list_shows_account_states(city: dict[str, str]) -> None:
    accounts.issue_temporary_password("chen")
    page = signed_in("wang").get("/accounts").text
    assert "待本人设置密码" in page and "未开通密码" in page


def test_the_bureau_issues_a_grant_bound_token(granted: str) -> None:
    bureau = signed_in("wang")
    assert granted in bureau.get("/accounts").text
    page = bureau.post("/accounts/token", data={"user_id": "sun", "grant": granted, "days": "30"})
    assert page.status_code == 200 and "应用令牌已发放" in page.text
    token = _temporary(page.text)
    api = browser()
    headers = {"Authorization": f"Bearer {token}"}
    assert [g["grant_id"] for g in api.get("/api/grants", headers=headers).json()] == [granted]
    assert post_login(browser(), token=token).status_code == 401  # it signs in nowhere
