"""Column-level lineage of a model, computed with sqlglot from its SQL and the schemas of its
inputs: for every output column, the input columns it is computed from and whether it is a plain
copy of one of them. It parses SQL only; it runs nothing."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.lineage import lineage
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import build_scope


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
        return qualify(tree, schema=dict(schema), dialect="duckdb", validate_qualify_columns=True)
    except SqlglotError as e:
        raise LineageError(f"{where}: {e}") from e


def column_lineage(
    sql: str, schema: dict[str, dict[str, str]], where: str = "model"
) -> dict[str, ColumnLineage]:
    """Lineage of every output column of `sql`; `schema` maps input name -> {column: type}."""
    key = json.dumps(schema, sort_keys=True)
    return dict(_cached_lineage(sql, key, where))


@functools.lru_cache(maxsize=256)
def _cached_lineage(sql: str, schema_key: str, where: str) -> tuple[tuple[str, ColumnLineage], ...]:
    # One qualification and one scope tree for all columns: lineage() per column re-qualifies.
    schema = json.loads(schema_key)
    query = _qualified(sql, schema, where)
    try:
        roots = lineage(None, query, schema=schema, dialect="duckdb", scope=build_scope(query), copy=False)
    except SqlglotError as e:
        raise LineageError(f"{where}: {e}") from e
    out = []
    for name in query.named_selects:
        sources: set[tuple[str, str]] = set()
        direct = True
        for node in roots[name].walk():
            if isinstance(node.expression, exp.Table):
                sources.add((node.expression.name, node.name.split(".")[-1].strip('"')))
            elif not isinstance(node.expression.unalias(), exp.Column):
                direct = False
        out.append((name, ColumnLineage(name, tuple(sorted(sources)), direct and bool(sources))))
    return tuple(out)
