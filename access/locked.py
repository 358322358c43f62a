"""The locked DuckDB database a gateway statement runs on: in-memory, able to read exactly one
artifact build's files (external access off, allowed_paths set, extension autoload/autoinstall off,
replacement scans off, configuration locked), spilling only to its own empty folder. Kept per file
set in the process that runs statements (a gateway worker, or the portal for CSV exports)."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import duckdb

KEEP_DATABASES = 16


def database(files: list[str], memory: str, spill_root: Path) -> duckdb.DuckDBPyConnection:
    """A new locked database for `files` with DuckDB memory limit `memory`, spilling to a fresh
    folder under `spill_root` (DuckDB always allows its temp directory, so it is never shared)."""
    spill_root.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:", config={
        "autoload_known_extensions": False, "autoinstall_known_extensions": False,
        "allow_community_extensions": False, "python_enable_replacements": False,
        "allow_persistent_secrets": False, "memory_limit": memory,
        "temp_directory": tempfile.mkdtemp(prefix="db-", dir=spill_root),
    })
    con.execute("SET allowed_paths = ?", [files])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _close(db: duckdb.DuckDBPyConnection) -> None:
    row = db.execute("SELECT current_setting('temp_directory')").fetchone()
    db.close()
    if row and row[0]:
        shutil.rmtree(row[0], ignore_errors=True)


_databases: OrderedDict[tuple[object, ...], duckdb.DuckDBPyConnection] = OrderedDict()
_databases_lock = threading.Lock()


def connection(files: list[str], memory: str, spill_root: Path) -> duckdb.DuckDBPyConnection:
    """A cursor on the locked database for exactly `files`. Databases are kept per file set (one
    artifact build): only SELECTs ever run on them, so a query cannot leave state for the next,
    and a rebuild has new file names, hence a new database. Opening one costs ~70 ms."""
    key = (*sorted(files), memory, str(spill_root))
    with _databases_lock:
        db = _databases.pop(key, None) or database(sorted(files), memory, spill_root)
        _databases[key] = db
        while len(_databases) > KEEP_DATABASES:
            _close(_databases.popitem(last=False)[1])
        return db.cursor()
