"""A correct DuckDB execution path for great_expectations: an execution engine and a fluent
datasource type (`duckdb`) over duckdb-engine's SQLAlchemy dialect. GX's own SQL engine reads
query results after the connection has closed (GX issues 10738, 11579) and refuses regexes on
this dialect; this module mends exactly those two things and leaves GX's metric SQL untouched.

It owns no data and no suite: it only makes GX's SQL path run on DuckDB.
"""

from __future__ import annotations

from typing import Any, Literal, Type  # noqa: UP035 (`type` is a field name below)

import sqlalchemy as sa
from great_expectations.core.id_dict import IDDict
from great_expectations.datasource.fluent.sql_datasource import SQLDatasource
from great_expectations.execution_engine import SqlAlchemyExecutionEngine
from great_expectations.expectations.metrics.column_map_metrics.column_values_match_regex import (
    ColumnValuesMatchRegex,
)
from great_expectations.expectations.metrics.map_metric_provider import column_condition_partial

_COUNT = ".unexpected_count"
# Metrics that list offending values or rows: empty whenever the expectation's count is 0.
_LISTS = (".unexpected_values", ".unexpected_index_list", ".unexpected_rows",
          ".unexpected_value_counts")


def _count_key(config: Any, suffix: str) -> tuple[Any, ...]:
    """Identifies an expectation's metric family: (map metric, domain, value kwargs sans format)."""
    value_kwargs = {k: v for k, v in config.metric_value_kwargs.items() if k != "result_format"}
    return (config.metric_name.removesuffix(suffix), config.metric_domain_kwargs_id,
            IDDict(value_kwargs).to_id())


class DuckDBExecutionEngine(SqlAlchemyExecutionEngine):
    """GX's SQLAlchemy engine with results fetched while the DuckDB connection is still open, and
    with no scan for the offending values of an expectation whose unexpected count is already 0."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._zero_counts: set[tuple[Any, ...]] = set()

    def _process_direct_and_bundled_metric_computation_configurations(  # type: ignore[override]
        self, metric_fn_direct_configurations: list[Any], metric_fn_bundle_configurations: list[Any]
    ) -> dict[Any, Any]:
        """Counts first (the bundle, then direct counts), then the remaining direct metrics,
        answering `[]` for value lists of expectations that counted no offending rows."""
        resolve = super()._process_direct_and_bundled_metric_computation_configurations
        direct = list(metric_fn_direct_configurations)
        counts = [c for c in direct if c.metric_configuration.metric_name.endswith(_COUNT)]
        resolved = resolve(counts, metric_fn_bundle_configurations)
        for c in [*counts, *metric_fn_bundle_configurations]:
            config = c.metric_configuration
            if config.metric_name.endswith(_COUNT) and resolved.get(config.id) == 0:
                self._zero_counts.add(_count_key(config, _COUNT))
        rest = []
        for c in direct:
            if c in counts:
                continue
            config = c.metric_configuration
            suffix = next((s for s in _LISTS if config.metric_name.endswith(s)), None)
            if suffix and _count_key(config, suffix) in self._zero_counts:
                resolved[config.id] = []
            else:
                rest.append(c)
        resolved.update(resolve(rest, []))
        return resolved

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
