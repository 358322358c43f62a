"""Engine and shared metadata for the control plane. Every control-plane table is declared on
`metadata` (in the module that owns it) and created by `ensure_schema`."""

from __future__ import annotations

import functools

from sqlalchemy import Engine, MetaData, create_engine, event

from shucang.settings import settings

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
    database: tuple[int, int] | None = None  # a SQLite file, as (device, inode): made anew, it
    if url.startswith("sqlite:///"):         # needs its tables again
        from pathlib import Path

        path = Path(url.removeprefix("sqlite:///"))
        try:
            st = path.stat()
            database = (st.st_dev, st.st_ino)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
    eng = _engine(url)
    if (url, database, len(metadata.tables)) not in _ENSURED:
        ensure_schema(eng)
        if url.startswith("sqlite:///"):  # the first connection may have made the file
            st = path.stat()
            database = (st.st_dev, st.st_ino)
        _ENSURED.add((url, database, len(metadata.tables)))
    return eng


_ENSURED: set[tuple[str, tuple[int, int] | None, int]] = set()  # schemas created this process


def ensure_schema(eng: Engine) -> None:
    """Create every table declared on `metadata` that does not exist yet (idempotent)."""
    import control.tables  # noqa: F401  (registers the tables of every owner)

    metadata.create_all(eng)
