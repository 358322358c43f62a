"""The default engine: runs a model's DuckDB SQL on an in-memory DuckDB connection with one view
per input over the Parquet files of its current snapshot. It never opens warehouse.duckdb (the
publisher is its single writer)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa


def sql_file_list(files: list[Path]) -> str:
    """A DuckDB list literal of file paths, quoted, for read_parquet()."""
    return "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"


def connect_inputs(inputs: dict[str, list[Path]]) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with a view `<name>` over each input's Parquet files."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for name, files in inputs.items():
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet({sql_file_list(files)})')
    return con


def run_duckdb(sql: str, inputs: dict[str, list[Path]]) -> pa.Table:
    """Run `sql` (DuckDB dialect) over `inputs` (name -> Parquet files) and return the result."""
    con = connect_inputs(inputs)
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()


def duckdb_types(table: pa.Table) -> dict[str, str]:
    """The DuckDB type name of every column of an Arrow table."""
    con = duckdb.connect()
    try:
        con.register("t", table)
        return {row[0]: row[1] for row in con.execute("DESCRIBE SELECT * FROM t").fetchall()}
    finally:
        con.close()
