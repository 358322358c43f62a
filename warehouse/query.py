"""Read-only SQL on the warehouse for bureau analysts: one statement, a read-only connection, and
file access limited to the published exports and the lake's data files (no reading arbitrary files
through the warehouse)."""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot import exp

from foundation.settings import settings
from warehouse import lake
from warehouse.views import connect_warehouse


class ReadOnlyQueryError(ValueError):
    """The SQL is not a single read-only query."""


def check_read_only(sql: str) -> None:
    """Raise ReadOnlyQueryError unless `sql` is exactly one SELECT (or WITH ... SELECT)."""
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as e:
        raise ReadOnlyQueryError(f"cannot parse the SQL: {e}") from None
    if len(statements) != 1:
        raise ReadOnlyQueryError(f"expected one statement, got {len(statements)}")
    if not isinstance(statements[0], exp.Query):
        raise ReadOnlyQueryError(f"only queries are allowed, got {statements[0].key.upper()}")


def query(sql: str, limit: int = 1000) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and up to `limit` rows of a read-only query on the warehouse."""
    check_read_only(sql)
    s = settings()
    con = connect_warehouse(read_only=True)
    try:
        allowed = [f"{p}/" for p in (s.exports, s.quarantine, lake.location().data)]
        con.execute("SET allowed_directories = ?", [allowed])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return names, cur.fetchmany(limit)
    finally:
        con.close()
