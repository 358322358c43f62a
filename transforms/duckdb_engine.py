"""The default engine: runs a model's DuckDB SQL on an in-memory DuckDB connection with one view
per input over the Parquet files of its current snapshot. It never opens warehouse.duckdb (the
publisher is its single writer)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from foundation.sql import ident, path
from warehouse.snapshots import SNAPSHOT_PARQUET


def connect_inputs(inputs: dict[str, str]) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with a view `<name>` over each input (name -> its snapshot's
    relation, `Manifest.relation`)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for name, relation in inputs.items():
        con.execute(f"CREATE VIEW {ident(name)} AS SELECT * FROM {relation}")
    return con


def run_duckdb(sql: str, inputs: dict[str, str]) -> pa.Table:
    """Run `sql` (DuckDB dialect) over `inputs` (name -> relation) and return the result."""
    con = connect_inputs(inputs)
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()


def copy_duckdb(sql: str, inputs: dict[str, str], target: Path) -> None:
    """Run `sql` over `inputs` (name -> relation) and stream its result into one Parquet file (one
    COPY), which the publisher reads into the model's table."""
    con = connect_inputs(inputs)
    try:
        con.execute(f"COPY ({sql}) TO {path(target)} ({SNAPSHOT_PARQUET})")
    finally:
        con.close()


def open_result(con: duckdb.DuckDBPyConnection, result: pa.Table | Path) -> str:
    """Make `result` (an Arrow table or a Parquet file) queryable on `con` as `result`."""
    if isinstance(result, pa.Table):
        con.register("result", result)
    else:
        con.execute(f"CREATE VIEW result AS SELECT * FROM read_parquet({path(result)})")
    return "result"


def duckdb_types(result: pa.Table | Path) -> dict[str, str]:
    """The DuckDB type name of every column of an Arrow table or a Parquet file."""
    con = duckdb.connect()
    try:
        name = open_result(con, result)
        return {row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM {name}").fetchall()}
    finally:
        con.close()
