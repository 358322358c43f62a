"""Sign-in through a real OpenID Connect provider started on 127.0.0.1 (discovery, JWKS, code
flow with PKCE over HTTP): a good sign-in opens a session; every forged, expired, replayed or
misdirected answer is refused with a message and opens none."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from access import orgs
from access.portal import session
from tests.support.oidc_provider import MODES, Provider
from tests.support.portal import browser


def _to_provider(client: TestClient) -> str:
    """Start the sign-in in `client`; the provider's authorization URL it is sent to."""
    r = client.get("/login/oidc", follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    return str(r.headers["location"])


def _back_from_provider(authorize_url: str) -> str:
    """The provider signs the person in: the portal callback path+query it redirects to."""
    r = httpx.get(authorize_url, follow_redirects=False)
    assert r.status_code == 302, r.text
    back = urlsplit(r.headers["location"])
    return f"{back.path}?{back.query}"


def _sign_in(client: TestClient) -> Response:
    return client.get(_back_from_provider(_to_provider(client)), follow_redirects=False)


def test_the_login_page_offers_the_city_sign_in(idp: Provider) -> None:
    assert "/login/oidc" in browser().get("/login").text


def test_a_good_sign_in_opens_a_session(idp: Provider) -> None:
    client = browser()
    url = _to_provider(client)
    q = parse_qs(urlsplit(url).query)
    assert q["code_challenge_method"] == ["S256"] and q["state"] and q["nonce"]
    assert "openid" in q["scope"][0]
    r = client.get(_back_from_provider(url), follow_redirects=False)
    assert r.status_code == 200 and "登录成功" in r.text
    assert session.user_of(client.cookies[session.COOKIE]) == "chen"
    assert session.PRESESSION not in client.cookies
    assert "西溪街道" in client.get("/").text


ATTACKS = [mode for mode in MODES if mode != "ok"]


@pytest.mark.parametrize("mode", ATTACKS)
def test_a_bad_id_token_is_refused(idp: Provider, mode: str) -> None:
    idp.mode = mode
    client = browser()
    r = _sign_in(client)
    assert r.status_code == 401 and "id_token" in r.text, (mode, r.text[:500])
    assert session.COOKIE not in client.cookies
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_a_state_is_used_once(idp: Provider) -> None:
    client = browser()
    back = _back_from_provider(_to_provider(client))
    assert client.get(back, follow_redirects=False).status_code == 200
    again = client.get(back, follow_redirects=False)
    assert again.status_code == 401 and "state" in again.text


def test_a_callback_started_in_another_browser_is_refused(idp: Provider) -> None:
    attacker, victim = browser(), browser()
    back = _back_from_provider(_to_provider(attacker))  # the attacker's own code and state
    victim.get("/login")  # the victim's browser has a pre-session of its own
    r = victim.get(back, follow_redirects=False)  # login CSRF: planting the attacker's account
    assert r.status_code == 401 and "本浏览器" in r.text
    assert session.COOKIE not in victim.cookies


def test_a_forged_callback_without_a_started_sign_in_is_refused(idp: Provider) -> None:
    client = browser()
    client.get("/login")
    r = client.get("/login/oidc/callback?code=x&state=never-issued", follow_redirects=False)
    assert r.status_code == 401 and session.COOKIE not in client.cookies
    assert idp.token_requests == 0  # nothing was sent to the provider


def test_a_provider_error_is_shown(idp: Provider) -> None:
    client = browser()
    _to_provider(client)
    r = client.get("/login/oidc/callback?error=access_denied&error_description=denied",
                   follow_redirects=False)
    assert r.status_code == 401 and "统一身份认证未通过" in r.text


@pytest.mark.parametrize(("person", "message"), [("nobody", "没有对应的门户用户"),
                                                 ("parking-bot", "应用账号不能登录门户")])
def test_an_unmapped_or_app_identity_is_refused(idp: Provider, person: str, message: str) -> None:
    orgs.create_org("parking", "停车诱导系统", "app")
    orgs.create_user("parking-bot", "parking", "parking", "analyst")
    idp.person = person
    client = browser()
    r = _sign_in(client)
    assert r.status_code == 401 and message in r.text
    assert session.COOKIE not in client.cookies


def test_the_mapping_claim_is_configurable(idp: Provider, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_OIDC_CLAIM", "employee_no")
    idp.claim, idp.person = "employee_no", "wang"
    client = browser()
    assert _sign_in(client).status_code == 200
    assert session.user_of(client.cookies[session.COOKIE]) == "wang"


def test_a_wrong_client_secret_is_refused(idp: Provider, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_OIDC_CLIENT_SECRET", "guessed")
    r = _sign_in(browser())
    assert r.status_code == 401 and "id_token" in r.text


def test_a_provider_that_is_down_is_a_clear_refusal(city: dict[str, str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_OIDC_ISSUER", "http://127.0.0.1:9")
    monkeypatch.setenv("SHUCANG_OIDC_CLIENT_ID", "x")
    r = browser().get("/login/oidc", follow_redirects=False)
    assert r.status_code == 403 and "暂不可用" in r.text
