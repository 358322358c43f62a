"""Engine and shared metadata for the control plane. Every control-plane table is declared on
`metadata` by the module that owns it; the schema itself is made by the Alembic revisions under
control/migrations/ (`control.migrate`), which `engine()` applies once per database."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event, exc, make_url

from control import migrate
from foundation.settings import settings

metadata = MetaData()


class ControlPlaneUnavailable(RuntimeError):
    """The control-plane database cannot be reached or refused the work (down, locked, wrong URL)."""

    @classmethod
    def from_error(cls, url: str, err: exc.DBAPIError) -> ControlPlaneUnavailable:
        """The error to show for a driver error on `url` (password hidden, first line only)."""
        shown = make_url(url).render_as_string(hide_password=True)
        first = str(err.orig).strip().splitlines()[0] if err.orig is not None else str(err)
        return cls(f"the control plane at {shown} is unavailable: {first}. Check that the database"
                   " is up and SHUCANG_CONTROL_URL is right, then run again: unfinished loads"
                   " resume where they stopped.")


@contextmanager
def outages_reported(url: str | None = None) -> Iterator[None]:
    """Turn a lost or refused control-plane connection inside the block into ControlPlaneUnavailable."""
    try:
        yield
    except (exc.OperationalError, exc.InterfaceError) as e:
        raise ControlPlaneUnavailable.from_error(url or settings().control_url, e) from e


def _not_across_fork(eng: Engine) -> Engine:
    """A process forked after using `eng` (a worker of Airflow's or Celery's, say) opens its own
    connections instead of sharing its parent's: a pooled connection made by another pid is
    dropped, unclosed, at checkout (SQLAlchemy's recipe for pools and multiprocessing)."""

    @event.listens_for(eng, "connect")
    def _remember_pid(dbapi_conn, record):  # type: ignore[no-untyped-def]
        record.info["pid"] = os.getpid()

    @event.listens_for(eng, "checkout")
    def _same_pid(dbapi_conn, record, proxy):  # type: ignore[no-untyped-def]
        if record.info.get("pid") != os.getpid():
            record.dbapi_connection = proxy.dbapi_connection = None
            raise exc.DisconnectionError("connection made by another process")

    return eng


@functools.cache
def _engine(url: str) -> Engine:
    return _not_across_fork(_new_engine(url))


def _new_engine(url: str) -> Engine:
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
    # an unreachable server fails in seconds instead of the driver's default of waiting on
    connect_args = {"connect_timeout": 10} if url.startswith("postgresql") else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: SHUCANG_CONTROL_URL), its database migrated to the newest
    revision; ControlPlaneUnavailable when it cannot be reached."""
    url = url or settings().control_url
    eng = _engine(url)
    if _schema_key(url) not in _MIGRATED:
        with outages_reported(url):
            migrate.upgrade(eng)
        _MIGRATED.add(_schema_key(url))  # after: the first connection may have made the file
    return eng


_MIGRATED: set[tuple[str, tuple[int, int] | None]] = set()  # databases migrated by this process


def _schema_key(url: str) -> tuple[str, tuple[int, int] | None]:
    """What a migrated database is remembered by: the URL, and for a SQLite file its (device,
    inode), so a file removed and made anew under the same path is migrated again."""
    database = None
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        try:
            st = path.stat()
            database = (st.st_dev, st.st_ino)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
    return url, database
