"""Column-level lineage of a model, computed with sqlglot from its SQL and the schemas of its
inputs: for every output column, the input columns it is computed from and whether it is a plain
copy of one of them. It parses SQL only; it runs nothing."""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.lineage import lineage
from sqlglot.optimizer.qualify import qualify


class LineageError(ValueError):
    """The SQL of a model cannot be parsed or resolved against its inputs' schemas."""


@dataclass(frozen=True)
class ColumnLineage:
    """Where one output column comes from."""

    column: str
    sources: tuple[tuple[str, str], ...]  # (input dataset, column), sorted
    direct: bool  # a plain copy of its source column(s), no computation on the way

    def as_json(self) -> dict[str, object]:
        """Lineage of one column as stored in a manifest."""
        return {"sources": [f"{d}.{c}" for d, c in self.sources], "direct": self.direct}


def output_columns(sql: str, schema: dict[str, dict[str, str]], where: str = "model") -> list[str]:
    """The names of the columns `sql` returns, stars expanded against `schema`."""
    return list(_qualified(sql, schema, where).named_selects)


def _qualified(sql: str, schema: dict[str, dict[str, str]], where: str) -> exp.Query:
    try:
        tree = sqlglot.parse_one(sql, dialect="duckdb")
        if not isinstance(tree, exp.Query):
            raise LineageError(f"{where}: a model is one SELECT query, got {tree.key.upper()}")
        return qualify(tree, schema=schema, dialect="duckdb", validate_qualify_columns=True)
    except SqlglotError as e:
        raise LineageError(f"{where}: {e}") from e


def column_lineage(
    sql: str, schema: dict[str, dict[str, str]], where: str = "model"
) -> dict[str, ColumnLineage]:
    """Lineage of every output column of `sql`; `schema` maps input name -> {column: type}."""
    query = _qualified(sql, schema, where)
    out: dict[str, ColumnLineage] = {}
    for name in query.named_selects:
        try:
            root = lineage(name, query, schema=schema, dialect="duckdb")
        except SqlglotError as e:
            raise LineageError(f"{where}: column {name!r}: {e}") from e
        sources: set[tuple[str, str]] = set()
        direct = True
        for node in root.walk():
            if isinstance(node.expression, exp.Table):
                sources.add((node.expression.name, node.name.split(".")[-1].strip('"')))
            elif not isinstance(node.expression.unalias(), exp.Column):
                direct = False
        out[name] = ColumnLineage(name, tuple(sorted(sources)), direct and bool(sources))
    return out
