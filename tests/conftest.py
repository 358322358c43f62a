"""Shared fixtures: every test gets its own SHUCANG_HOME so nothing leaks between tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SHUCANG_HOME (landing, staging, exports, control.db) under tmp_path."""
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("SHUCANG_HOME", str(h))
    monkeypatch.setenv("SHUCANG_FEEDS", str(h / "feeds"))
    monkeypatch.delenv("SHUCANG_CONTROL_URL", raising=False)
    return h


def postgres_url() -> str | None:
    """The local PostgreSQL (db `test`, trust auth) if it answers, else None."""
    try:
        import psycopg

        psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=2).close()
    except Exception:  # noqa: BLE001 - any failure means: not reachable here
        return None
    return "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The control plane on SQLite (SHUCANG_HOME/control.db) or on PostgreSQL in a schema of its
    own that is dropped afterwards; skipped when PostgreSQL at 127.0.0.1:5432 is unreachable."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL at 127.0.0.1:5432 (db test, trust auth) is not reachable")
    import uuid

    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}?options=-csearch_path%3D{schema}"
    monkeypatch.setenv("SHUCANG_CONTROL_URL", url)
    try:
        yield "postgresql"
    finally:
        from control.db import _engine

        _engine(url).dispose()
        with admin.begin() as c:
            c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
