"""Engine and shared metadata for the control plane. Every control-plane table is declared on
`metadata` (in the module that owns it) and created by `ensure_schema`."""

from __future__ import annotations

import functools

from sqlalchemy import Engine, MetaData, create_engine, event

from foundation.settings import settings

metadata = MetaData()


@functools.cache
def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        eng = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(eng, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # WAL lets Airflow's parallel tasks read while one writes; busy timeout absorbs bursts.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return eng
    return create_engine(url, pool_pre_ping=True)


def engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: SHUCANG_CONTROL_URL), with every known table created."""
    url = url or settings().control_url
    eng = _engine(url)
    if _schema_key(url) not in _ENSURED:
        ensure_schema(eng)
        _ENSURED.add(_schema_key(url))  # after: the first connection may have made the file
    return eng


_ENSURED: set[tuple[str, tuple[int, int] | None, int]] = set()  # schemas created this process


def _schema_key(url: str) -> tuple[str, tuple[int, int] | None, int]:
    """What a created schema is remembered by: the URL, the tables declared so far, and for a
    SQLite file its (device, inode), so a file removed and made anew gets its tables again."""
    database = None
    if url.startswith("sqlite:///"):
        from pathlib import Path

        path = Path(url.removeprefix("sqlite:///"))
        try:
            st = path.stat()
            database = (st.st_dev, st.st_ino)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
    return url, database, len(metadata.tables)


def ensure_schema(eng: Engine) -> None:
    """Create every table declared on `metadata` that does not exist yet (idempotent). A table is
    declared by the module that owns it, which its users import; a module imported later adds its
    tables at its first `engine()` call (the schema key counts the declared tables)."""
    metadata.create_all(eng)
