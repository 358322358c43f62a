"""Browsers of the portal for the tests: a TestClient that sends the portal's Origin, reads the
CSRF token from the page it was served as a browser would, and signs in by token or password."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from access import orgs
from access.portal.app import create_app

_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')
_META = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


def browser(base: str = "http://testserver", origin: bool = True,
            address: str = "testclient") -> TestClient:
    """A fresh browser on the portal (sending the portal's Origin on every request), connecting
    from the client `address`."""
    return TestClient(create_app(), base_url=base, headers={"Origin": base} if origin else {},
                      client=(address, 50000))


def form_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the first form on `path`, as the page gives it to this browser."""
    found = _FIELD.search(client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def post_login(client: TestClient, **form: str) -> Response:
    """Submit the sign-in form (token=... or username=/password=) with its CSRF token."""
    return client.post("/login", data={"csrf_token": form_token(client), **form},
                       follow_redirects=False)


def adopt_session_token(client: TestClient) -> TestClient:
    """Make `client` send its session's CSRF token as the header on every request."""
    found = _META.search(client.get("/password").text)
    assert found and found.group(1), "no CSRF token on a signed-in page"
    client.headers["X-CSRF-Token"] = found.group(1)
    return client


def signed_in(user: str, base: str = "http://testserver") -> TestClient:
    """A browser signed in as `user` with a fresh token, sending its CSRF token."""
    client = browser(base)
    r = post_login(client, token=orgs.issue_token(user))
    assert r.status_code == 303, r.text[:300]
    return adopt_session_token(client)
