"""Quoting for SQL text built in Python: identifiers, string literals and lists of file paths.
Every value that reaches SQL text (a column name from a contract, a path under SHUCANG_HOME, a
dataset id) goes through one of these, so a quote in a name cannot end the string."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def ident(name: str) -> str:
    """`name` as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: object) -> str:
    """`text` (str() of it) as a single-quoted SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def literal_list(values: Iterable[object]) -> str:
    """Values as a SQL list literal: ['a', 'b']."""
    return "[" + ", ".join(literal(v) for v in values) + "]"


def path(p: Path | str) -> str:
    """A file path as a SQL string literal (for read_parquet, COPY ... TO)."""
    return literal(p)


def paths(ps: Iterable[Path | str]) -> str:
    """File paths as a SQL list literal, for read_parquet([...])."""
    return literal_list(ps)
