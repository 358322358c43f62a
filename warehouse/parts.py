"""Part files written by Spark's executors gathered into the one Parquet file per load that the
load's later steps and the publish read (`engine: spark` loads). DuckDB streams the parts; no
process holds the rows."""

from __future__ import annotations

from pathlib import Path

from foundation.duck import load_connection, spill_of
from foundation.sql import ident
from foundation.sql import path as sql_path
from warehouse.snapshots import SNAPSHOT_PARQUET


def gather(parts: Path, target: Path, columns: list[str]) -> None:
    """Write the rows of the Parquet files matching `parts` (a glob) as `target`, in `columns`
    order, with the snapshots' Parquet settings."""
    with load_connection(spill_of(target)) as con:
        # rows carry their _row, so the file need not keep Spark's order
        con.execute("SET preserve_insertion_order = false")
        cols = ", ".join(ident(c) for c in columns)
        con.execute(f"COPY (SELECT {cols} FROM read_parquet({sql_path(parts)}))"
                    f" TO {sql_path(target)} ({SNAPSHOT_PARQUET})")
