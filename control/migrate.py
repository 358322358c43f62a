"""Migrating the control plane with Alembic: the revisions under control/migrations/versions/ are
the schema of every owner's tables, and `upgrade` brings a database to the newest, once per
database and under a lock, so processes starting together on a fresh home do not race to create
the same tables. Configured in code; no alembic.ini is read."""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, text

from foundation.files import exclusive_lock

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Alembic's bookkeeping table; named for us so a shared database's other Alembic user (Airflow's
# metadata, say) keeps its own `alembic_version`.
VERSION_TABLE = "shucang_control_version"
# PostgreSQL advisory lock key held while migrating (any constant both sides agree on)
_PG_LOCK_KEY = zlib.crc32(b"shucang.control.migrate")


class MigrationSetupError(RuntimeError):
    """Alembic's environment was entered without the connection `control.migrate` provides."""


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Autogenerate's filter: every table but Alembic's own version table is an owner's."""
    return not (type_ == "table" and name == VERSION_TABLE)


def alembic_config(connection: Connection | None = None,
                   target_metadata: MetaData | None = None) -> Config:
    """An Alembic config for the control plane's revisions, bound to `connection` (and, to
    autogenerate a revision, the metadata of every owner's tables)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    cfg.attributes["target_metadata"] = target_metadata
    return cfg


@functools.cache
def head() -> str:
    """The newest revision."""
    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if found is None:
        raise MigrationSetupError(f"no revisions under {MIGRATIONS / 'versions'}")
    return found


def current(connection: Connection) -> str | None:
    """The revision `connection`'s database is at; None for an empty database or one made by
    `metadata.create_all` before migrations existed (the first revision adopts those)."""
    ctx = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return ctx.get_current_revision()


@contextmanager
def _sqlite_file_lock(eng: Engine) -> Iterator[None]:
    """An exclusive lock beside a SQLite file (no lock for an in-memory database)."""
    database = eng.url.database
    if not database or database == ":memory:":
        yield
        return
    with exclusive_lock(Path(f"{database}.migrate.lock")):
        yield


def upgrade(eng: Engine, revision: str = "head") -> str | None:
    """Bring `eng`'s database to `revision` unless it is there already; return the revision it was
    at. Whoever takes the lock first migrates; the others find the work done."""
    target = head() if revision == "head" else revision
    with eng.connect() as conn:
        was = current(conn)
    if was == target:
        return was
    if eng.dialect.name == "sqlite":
        with _sqlite_file_lock(eng), eng.begin() as conn:
            was = current(conn)
            if was != target:
                command.upgrade(alembic_config(conn), revision)
        return was
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            # held to the end of this transaction, which is the migration's
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        was = current(conn)
        if was != target:
            command.upgrade(alembic_config(conn), revision)
    return was
