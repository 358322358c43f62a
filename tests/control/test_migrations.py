"""The control plane's migrations make exactly the schema the owners declare, from an empty
database and from one made by `metadata.create_all` before migrations existed (whole or in part),
on SQLite and PostgreSQL; processes starting together on a fresh database all find it migrated."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, ForeignKey, MetaData, Table, insert, inspect, select

from control import db, migrate
from foundation.settings import settings
from shucang.control_schema import control_metadata

# What revisions 0002-0004, 0009 and 0010 added; a database made before migrations is built by create_all
# without these (None: the whole table).
ADDED_SINCE_0001 = {"load_leases": None, "loads": {"step", "error"}, "quality_findings": None,
                    "access_sessions": None, "access_tokens": {"grant_ids"}, "source_stats": None,
                    "access_signin_failures": None}


def _schema_diff(eng: Engine) -> list:
    with eng.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": migrate.include_object})
        return compare_metadata(ctx, control_metadata())


def _legacy_metadata(tables: set[str] | None = None) -> MetaData:
    """The owners' tables as they were before migrations (optionally only `tables`)."""
    legacy = MetaData()
    for table in control_metadata().sorted_tables:
        added = ADDED_SINCE_0001.get(table.name, set())
        if added is None or (tables is not None and table.name not in tables):
            continue
        if added:  # the table less the columns added since, its foreign keys kept
            Table(table.name, legacy, *(
                Column(c.name, c.type, *(ForeignKey(fk.target_fullname) for fk in c.foreign_keys),
                       primary_key=c.primary_key, nullable=c.nullable, index=c.index, unique=c.unique)
                for c in table.columns if c.name not in added))
        else:
            table.to_metadata(legacy)
    return legacy


def _fresh_engine() -> Engine:
    return db._engine(settings().control_url)


def test_an_empty_database_is_migrated_to_the_declared_schema(backend: str) -> None:
    eng = db.engine()
    assert _schema_diff(eng) == []
    with eng.connect() as conn:
        assert migrate.current(conn) == migrate.head()


def test_a_database_made_by_create_all_is_adopted_with_its_rows(backend: str) -> None:
    eng = _fresh_engine()
    legacy = _legacy_metadata()
    legacy.create_all(eng)
    started = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with eng.begin() as c:
        c.execute(insert(legacy.tables["loads"]).values(
            load_id="L1", dataset="grid_event", status="published", started_at=started, files=1,
            bytes=10, rows_in=3, rows_published=3, rows_quarantined=0))
    with eng.connect() as conn:
        assert migrate.current(conn) is None
    assert _schema_diff(db.engine()) == []
    from control.ledger import loads

    with eng.connect() as c:
        row = c.execute(select(loads).where(loads.c.load_id == "L1")).mappings().one()
    assert (row["status"], row["step"], row["rows_published"]) == ("published", "published", 3)


def test_a_database_with_some_owners_tables_gets_the_others(backend: str) -> None:
    eng = _fresh_engine()
    _legacy_metadata({"loads", "landed_files"}).create_all(eng)
    assert set(inspect(eng).get_table_names()) == {"loads", "landed_files"}
    assert _schema_diff(db.engine()) == []


def test_processes_starting_together_on_a_fresh_database_all_succeed(backend: str, home: Path) -> None:
    code = "from control.db import engine; engine()"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    assert _schema_diff(_fresh_engine()) == []


def test_an_unreachable_control_plane_is_a_clear_error() -> None:
    url = "postgresql+psycopg://postgres:secret@127.0.0.1:1/none"
    with pytest.raises(db.ControlPlaneUnavailable, match=r"127\.0\.0\.1:1/none is unavailable") as e:
        db.engine(url)
    assert "secret" not in str(e.value)
