"""Small helpers for DuckDB's Python API shared by every package."""

from __future__ import annotations

from typing import Any

import duckdb


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> tuple[Any, ...]:
    """The single row an aggregate query returns (DuckDB's fetchone() is typed as optional)."""
    row = con.execute(sql, params).fetchone() if params is not None else con.execute(sql).fetchone()
    if row is None:  # pragma: no cover - aggregates without GROUP BY always return one row
        raise LookupError(f"query returned no row: {sql[:200]}")
    return row
