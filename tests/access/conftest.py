"""Fixtures for the access tests: a published household_register and grid_event snapshot and the
organizations/users of a small city (西溪街道 and 北山街道 in 西湖区)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from access_world import (
    XIXI,
    build_city,
    grant_through,
    household_scope,
)


@pytest.fixture
def city(home: Path) -> dict[str, str]:
    """Published data plus bureau, two departments, two streets and their users."""
    build_city()
    return {"street": XIXI}


@pytest.fixture
def granted(city: dict[str, str]) -> Iterator[str]:
    """A live grant of household_register (西溪街道 rows, masked) to 西溪街道."""
    yield grant_through(household_scope())


def _postgres_url() -> str | None:
    try:
        import psycopg

        psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=2).close()
    except Exception:  # noqa: BLE001 - any failure means: not reachable here
        return None
    return "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The control plane on SQLite (SHUCANG_HOME/control.db) or on PostgreSQL in a schema of its
    own that is dropped afterwards; skipped when PostgreSQL at 127.0.0.1:5432 is unreachable."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("PostgreSQL at 127.0.0.1:5432 (db test, trust auth) is not reachable")
    import uuid

    import sqlalchemy as sa

    schema = f"access_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    monkeypatch.setenv("SHUCANG_CONTROL_URL", f"{base}?options=-csearch_path%3D{schema}")
    try:
        yield "postgresql"
    finally:
        from control.db import _engine

        _engine(f"{base}?options=-csearch_path%3D{schema}").dispose()
        with admin.begin() as c:
            c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
