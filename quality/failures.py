"""Row-level failures of a GX validation as one Arrow table for the quarantine: for every
row-level expectation that found offending rows, GX's own `unexpected_index_query` is run on
DuckDB and turned into (_row, column, expectation, value, reason_code, reason) rows.

It reads GX results and the load's Parquet; it writes nothing (the pipeline quarantines).
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
from great_expectations.core import ExpectationSuiteValidationResult

from quality import identifiers as ids
from quality.suite import Rule

FAILURE_SCHEMA = pa.schema([
    ("_row", pa.int64()),
    ("column", pa.string()),
    ("expectation", pa.string()),
    ("value", pa.string()),
    ("reason_code", pa.string()),
    ("reason", pa.string()),
])


class FailureQueryError(RuntimeError):
    """GX's unexpected_index_query for an expectation could not be run on DuckDB."""


def _lit(text: Any) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(col: str) -> str:
    return f"coalesce(CAST({_q(col)} AS VARCHAR), 'NULL')"


def _reason_sql(rule: Rule, kwargs: dict[str, Any]) -> str:
    """A DuckDB expression giving the human reason for one offending row."""
    col = rule.column
    said = f"{_lit(col + ' = ')} || {_text(col)}"
    match rule.kind:
        case "required":
            return _lit(f"{col} is empty but the contract requires a value")
        case "regex":
            return f"{said} || {_lit(' does not match ' + kwargs['regex'])}"
        case "in_set":
            return f"{said} || {_lit(' is not one of ' + ', '.join(map(str, kwargs['value_set'])))}"
        case "between":
            span = f" is outside [{kwargs['min_value']}, {kwargs['max_value']}]"
            return f"{said} || {_lit(span)}"
        case "after":
            other = rule.other or ""
            return (f"{said} || {_lit(' is before ' + other + ' = ')} || {_text(other)}")
        case "resident_id":
            return f"{said} || ': ' || {_lit('not a GB 11643 resident ID: ')} || " \
                   f"({ids.resident_id_problem_sql(_q(col))})"
        case "credit_code":
            return f"{said} || ': ' || {_lit('not a GB 32100 credit code: ')} || " \
                   f"({ids.credit_code_problem_sql(_q(col))})"
        case "mobile":
            return f"{said} || {_lit(': ' + ids.R_MOBILE)}"
        case "not_future":
            return f"{said} || {_lit(' is in the future (Beijing time)')}"
        case "primary_key":
            keys = col.split(",")
            shown = " || ', ' || ".join(f"{_lit(k + ' = ')} || {_text(k)}" for k in keys)
            return f"{shown} || {_lit(' occurs more than once (primary key)')}"
    raise ValueError(f"no reason text for rule kind {rule.kind!r}")


def _value_sql(rule: Rule) -> str:
    if rule.kind == "primary_key":
        return " || '|' || ".join(_text(k) for k in rule.column.split(","))
    return f"CAST({_q(rule.column)} AS VARCHAR)"


def failure_rows(result: ExpectationSuiteValidationResult, batch_sql: str) -> pa.Table:
    """All offending rows of `result` as a FAILURE_SCHEMA table (several rows per _row allowed).

    `batch_sql` is the asset query GX validated; GX writes it unparenthesised into its
    unexpected_index_query, so it is wrapped here before running."""
    parts: list[pa.Table] = []
    con = duckdb.connect()
    try:
        for r in result.results:
            rule = Rule.of(r.expectation_config.meta)
            if rule is None or not rule.row_level or not r.result.get("unexpected_count"):
                continue
            query = r.result.get("unexpected_index_query")
            if not isinstance(query, str):
                raise FailureQueryError(
                    f"{r.expectation_config.type} on {rule.column}: GX returned no unexpected_index_query"
                )
            query = query.strip().rstrip(";").replace(f"FROM {batch_sql}", f"FROM ({batch_sql}) AS batch")
            sql = (
                f"SELECT CAST(_row AS BIGINT) AS _row, {_lit(rule.column)} AS \"column\","
                f" {_lit(r.expectation_config.type)} AS expectation, {_value_sql(rule)} AS value,"
                f" {_lit(rule.reason_code)} AS reason_code,"
                f" {_reason_sql(rule, r.expectation_config.kwargs)} AS reason"
                f" FROM ({query}) AS offending"
            )
            try:
                parts.append(con.execute(sql).to_arrow_table().cast(FAILURE_SCHEMA))
            except duckdb.Error as e:
                raise FailureQueryError(
                    f"{r.expectation_config.type} on {rule.column}: {e}; query: {query[:300]}"
                ) from e
    finally:
        con.close()
    if not parts:
        return FAILURE_SCHEMA.empty_table()
    return pa.concat_tables(parts)
