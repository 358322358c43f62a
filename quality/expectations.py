"""Custom great_expectations expectations for shucang's contract checks that GX has no built-in for:
resident ID (GB 11643), mobile number, unified social credit code (GB 32100), timestamps not in
the future, and the address matched rate. Each has a DuckDB (set-based SQL) and a pandas
implementation; the rules themselves live in quality.identifiers.

Importing this module registers the expectations and their metrics with GX; it owns nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

import pandas as pd
import sqlalchemy as sa
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import (
    ColumnAggregateExpectation,
    ColumnMapExpectation,
)
from great_expectations.expectations.metrics import (
    ColumnAggregateMetricProvider,
    ColumnMapMetricProvider,
    column_aggregate_partial,
    column_aggregate_value,
)
from great_expectations.expectations.metrics.map_metric_provider.column_condition_partial import (
    column_condition_partial,
)

from foundation.clock import BEIJING
from foundation.sql import ident
from quality import identifiers as ids
from quality.engine import DuckDBExecutionEngine

# Feeds carry Beijing wall-clock time without a zone; "the future" is judged on that clock,
# with a little slack for clocks of the source systems.
FUTURE_TOLERANCE = dt.timedelta(minutes=10)


def now_in_china() -> dt.datetime:
    """The current Beijing wall-clock time, naive (as the feeds write it)."""
    return dt.datetime.now(BEIJING).replace(tzinfo=None)


def _sql_valid(problem_sql: Callable[[str], str], column: Any) -> Any:
    return sa.literal_column(f"(({problem_sql(ident(str(column.name)))}) IS NULL)", type_=sa.Boolean)


def _py_valid(problem: Callable[[str], str | None], column: pd.Series) -> pd.Series:
    return column.astype(str).map(lambda v: problem(v) is None).astype(bool)


def _identifier_metric(
    name: str, problem: Callable[[str], str | None], problem_sql: Callable[[str], str]
) -> type[ColumnMapMetricProvider]:
    """A GX column map metric `column_values.shucang_valid_<name>` from one identifier rule of
    quality.identifiers (Python for pandas, SQL for DuckDB); GX registers it on creation."""

    class Metric(ColumnMapMetricProvider):
        condition_metric_name = f"column_values.shucang_valid_{name}"

        @column_condition_partial(engine=PandasExecutionEngine)
        def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
            return _py_valid(problem, column)

        @column_condition_partial(engine=DuckDBExecutionEngine)
        def _duckdb(cls, column: Any, **kwargs: Any) -> Any:
            return _sql_valid(problem_sql, column)

    Metric.__name__ = Metric.__qualname__ = f"ColumnValuesValid_{name}"
    return Metric


IDENTIFIER_METRICS = [
    _identifier_metric("resident_id", ids.resident_id_problem, ids.resident_id_problem_sql),
    _identifier_metric("mobile", ids.mobile_problem, ids.mobile_problem_sql),
    _identifier_metric("credit_code", ids.credit_code_problem, ids.credit_code_problem_sql),
]


class ColumnValuesNotInFuture(ColumnMapMetricProvider):
    condition_metric_name = "column_values.shucang_not_in_future"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return pd.to_datetime(column) <= pd.Timestamp(now_in_china() + FUTURE_TOLERANCE)

    @column_condition_partial(engine=DuckDBExecutionEngine)
    def _duckdb(cls, column: Any, **kwargs: Any) -> Any:
        limit = (now_in_china() + FUTURE_TOLERANCE).isoformat(sep=" ")
        return sa.literal_column(f"({ident(str(column.name))} <= TIMESTAMP '{limit}')", type_=sa.Boolean)


class ExpectColumnValuesToBeValidResidentId(ColumnMapExpectation):
    """Values are GB 11643 resident IDs: check character, a real birth date, a known region."""

    map_metric: ClassVar[str] = "column_values.shucang_valid_resident_id"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToBeValidMobile(ColumnMapExpectation):
    """Values are mainland mobile numbers (1[3-9] and 9 more digits)."""

    map_metric: ClassVar[str] = "column_values.shucang_valid_mobile"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToBeValidCreditCode(ColumnMapExpectation):
    """Values are GB 32100 unified social credit codes with a correct check character."""

    map_metric: ClassVar[str] = "column_values.shucang_valid_credit_code"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToNotBeInTheFuture(ColumnMapExpectation):
    """Dates and timestamps are not later than now on the Beijing clock (10 minutes' slack)."""

    map_metric: ClassVar[str] = "column_values.shucang_not_in_future"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ColumnShareInSet(ColumnAggregateMetricProvider):
    """Share of ALL rows (nulls count as outside) whose value is in `value_set`."""

    metric_name = "column.shucang_share_in_set"
    value_keys = ("value_set",)

    @column_aggregate_value(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, value_set: list[str], **kwargs: Any) -> float:
        return float(column.isin(value_set).mean()) if len(column) else 1.0

    @column_aggregate_partial(engine=DuckDBExecutionEngine)
    def _duckdb(cls, column: Any, value_set: list[str], **kwargs: Any) -> Any:
        return sa.func.coalesce(
            sa.func.avg(sa.case((column.in_(value_set), 1.0), else_=0.0)), 1.0
        )


class ExpectAddressMatchRateToBeAtLeast(ColumnAggregateExpectation):
    """At least `min_rate` of all rows have a match level in `value_set` (unmatched or null rows
    count against it); the contract's address.min_match_rate."""

    value_set: list[str]
    min_rate: float

    metric_dependencies: ClassVar[tuple[str, ...]] = ("column.shucang_share_in_set",)
    success_keys: ClassVar[tuple[str, ...]] = ("value_set", "min_rate")

    def _validate(
        self,
        metrics: dict[str, Any],
        runtime_configuration: dict | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        rate = float(metrics["column.shucang_share_in_set"])
        return {"success": rate >= self.min_rate, "result": {"observed_value": rate}}
