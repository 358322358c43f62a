"""Small helpers for DuckDB's Python API shared by every package."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import duckdb

from foundation.settings import value

LOAD_MEMORY_CAP = 8 * 2**30  # the default limit of a load's connections: half the RAM, at most this
# a memory size as DuckDB reads one: 4GB, 512MiB, 1.5 TB (a unit is required)
MEMORY_SIZE = re.compile(r"\s*\d+(?:\.\d+)?\s*[KMGT]i?B\s*", re.IGNORECASE)


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> tuple[Any, ...]:
    """The single row an aggregate query returns. The result is fetched to its end: a result left
    open makes the connection refuse the next register() or execute()."""
    rows = con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()
    if not rows:  # pragma: no cover - aggregates without GROUP BY always return one row
        raise LookupError(f"query returned no row: {sql[:200]}")
    return rows[0]


def load_memory() -> str:
    """DuckDB memory limit of each connection of a load (SHUCANG_LOAD_MEMORY), by default half
    the machine's RAM and at most LOAD_MEMORY_CAP."""
    got = value("SHUCANG_LOAD_MEMORY")
    if got:
        if not MEMORY_SIZE.fullmatch(got):
            raise ValueError(f"SHUCANG_LOAD_MEMORY={got!r} is not a memory size (e.g. 4GB, 512MiB)")
        return got
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{min(ram // 2, LOAD_MEMORY_CAP) // 2**20}MiB"


def load_config(spill: Path) -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB configuration of a load's connection: at most `load_memory()`, spilling what does
    not fit to the folder `spill` (made when first needed; its parent is made here)."""
    spill.parent.mkdir(parents=True, exist_ok=True)
    return {"memory_limit": load_memory(), "temp_directory": str(spill)}


def spill_of(data: Path) -> Path:
    """The spill folder of the load whose work folder holds the file `data`."""
    return data.parent / "spill"


def load_connection(spill: Path, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection of a load's step (in memory unless `database` names a file), bounded
    by `load_memory()` and spilling to `spill`, a folder in the load's work folder."""
    return duckdb.connect(database, config=load_config(spill))
