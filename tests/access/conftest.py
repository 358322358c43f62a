"""Fixtures for the access tests: a published household_register and grid_event snapshot and the
organizations/users of a small city (西溪街道 and 北山街道 in 西湖区)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.access_world import (
    XIXI,
    build_city,
    grant_through,
    household_scope,
)
from tests.support.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, serve_provider


@pytest.fixture
def city(home: Path) -> dict[str, str]:
    """Published data plus bureau, two departments, two streets and their users."""
    build_city()
    return {"street": XIXI}


@pytest.fixture
def granted(city: dict[str, str]) -> Iterator[str]:
    """A live grant of household_register (西溪街道 rows, masked) to 西溪街道."""
    yield grant_through(household_scope())


@pytest.fixture
def idp(city: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    """The city's identity provider on 127.0.0.1, configured as the portal's OIDC provider."""
    with serve_provider() as provider:
        monkeypatch.setenv("SHUCANG_OIDC_ISSUER", provider.issuer)
        monkeypatch.setenv("SHUCANG_OIDC_CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv("SHUCANG_OIDC_CLIENT_SECRET", CLIENT_SECRET)
        yield provider
