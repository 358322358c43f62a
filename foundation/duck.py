"""Small helpers for DuckDB's Python API shared by every package."""

from __future__ import annotations

from typing import Any

import duckdb


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> tuple[Any, ...]:
    """The single row an aggregate query returns. The result is fetched to its end: a result left
    open makes the connection refuse the next register() or execute()."""
    rows = con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()
    if not rows:  # pragma: no cover - aggregates without GROUP BY always return one row
        raise LookupError(f"query returned no row: {sql[:200]}")
    return rows[0]
