"""The control-plane engine creates its tables once per database, not on every call, and again
for a SQLite file that was removed and made anew under the same path."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from control.db import engine


def test_a_recreated_sqlite_file_gets_its_tables_again(home: Path) -> None:
    eng = engine()
    tables = set(inspect(eng).get_table_names())
    assert "address_aliases" in tables
    eng.dispose()
    (home / "control.db").unlink()
    for suffix in ("-wal", "-shm"):
        (home / f"control.db{suffix}").unlink(missing_ok=True)
    assert set(inspect(engine()).get_table_names()) == tables


def test_settings_follow_the_environment(home: Path, monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    from foundation.settings import settings

    assert settings().home == home.resolve()
    other = tmp_path / "elsewhere"
    monkeypatch.setenv("SHUCANG_HOME", str(other))
    assert settings().home == other.resolve()
    assert settings().control_url == f"sqlite:///{other.resolve() / 'control.db'}"
