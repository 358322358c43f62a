"""Shared fixtures: every test gets its own SHUCANG_HOME so nothing leaks between tests."""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

# fixtures shared across folders: small grid feeds, the synthetic published world
pytest_plugins = ["tests.support.grid", "tests.support.synthetic_inputs", "tests.support.source_servers",
                  "tests.support.airflow_cluster"]


class _PysparkConnectGuard(importlib.abc.MetaPathFinder):
    """pyspark.sql.connect and pyspark.ml.connect call sys.exit(0) ("Skipping doctests") when
    imported in a process whose __main__ has neither a file nor a spec - a pytest-xdist worker,
    `python -c` - and great_expectations imports them. For those two imports only, the process
    looks interactive (sys.ps1), which is the one condition pyspark accepts."""

    NAMES = ("pyspark.sql.connect", "pyspark.ml.connect")

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name not in self.NAMES:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            had = hasattr(sys, "ps1")
            sys.ps1 = getattr(sys, "ps1", "")
            try:
                run(module)
            finally:
                if not had:
                    del sys.ps1

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _guard_pyspark_imports() -> None:
    """An xdist worker's __main__ has neither a file nor a spec: install the guard there only."""
    main = sys.modules.get("__main__")
    scriptless = (main is not None and getattr(main, "__spec__", None) is None
                  and not hasattr(main, "__file__"))
    if scriptless and not any(isinstance(f, _PysparkConnectGuard) for f in sys.meta_path):
        sys.meta_path.insert(0, _PysparkConnectGuard())


_guard_pyspark_imports()


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
