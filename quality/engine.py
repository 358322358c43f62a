"""A correct DuckDB execution path for great_expectations: an execution engine and a fluent
datasource type (`duckdb`) over duckdb-engine's SQLAlchemy dialect. GX's own SQL engine reads
query results after the connection has closed (GX issues 10738, 11579) and refuses regexes on
this dialect; this module mends exactly those two things and leaves GX's metric SQL untouched.

It owns no data and no suite: it only makes GX's SQL path run on DuckDB.
"""

from __future__ import annotations

from typing import Any, Literal, Type  # noqa: UP035 (`type` is a field name below)

import sqlalchemy as sa
from great_expectations.datasource.fluent.sql_datasource import SQLDatasource
from great_expectations.execution_engine import SqlAlchemyExecutionEngine
from great_expectations.expectations.metrics.column_map_metrics.column_values_match_regex import (
    ColumnValuesMatchRegex,
)
from great_expectations.expectations.metrics.map_metric_provider import column_condition_partial


class DuckDBExecutionEngine(SqlAlchemyExecutionEngine):
    """GX's SQLAlchemy engine with results fetched while the DuckDB connection is still open."""

    def execute_query(self, query: Any) -> Any:  # type: ignore[override]
        """Run `query` and return a detached (frozen) result GX can read after the connection closes."""
        with self.get_connection() as connection:
            result = self._execute_query_with_recovery(connection, query)
            if not result.returns_rows:
                return result
            return result.freeze()()


class DuckDBColumnValuesMatchRegex(ColumnValuesMatchRegex):
    """`column_values.match_regex` for DuckDB: Python `re.search` semantics via regexp_matches."""

    @column_condition_partial(engine=DuckDBExecutionEngine)
    def _duckdb(cls, column: Any, regex: str, **kwargs: Any) -> Any:
        return sa.func.regexp_matches(column, sa.literal(regex))


class DuckDBDatasource(SQLDatasource):
    """A GX fluent datasource (`type: duckdb`) whose batches run on DuckDBExecutionEngine."""

    type: Literal["duckdb"] = "duckdb"  # type: ignore[assignment]

    @property
    def execution_engine_type(self) -> Type[SqlAlchemyExecutionEngine]:  # noqa: UP006 (`type` is a field here)
        return DuckDBExecutionEngine
