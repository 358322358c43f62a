"""Row-level failures of a GX validation as one Arrow table for the quarantine: for every
row-level expectation that found offending rows, GX's own `unexpected_index_query` (its WHERE
condition, for plain ones) is run on DuckDB and turned into (_row, column, expectation, value,
reason_code, reason, severity, on_fail) rows; the reason is the contract check's own.

It reads GX results and the load's Parquet; it writes nothing (the pipeline quarantines).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import sqlglot
from great_expectations.core import ExpectationSuiteValidationResult
from pydantic import TypeAdapter
from sqlglot import exp

from contracts.checks import AnyCheck, problem_macro, text_sql
from foundation.duck import load_connection, spill_of
from foundation.sql import ident, literal
from quality import identifiers as ids
from quality.rules import Rule, config_of
from quality.run import BATCH_VIEW, batch_view_sql

FAILURE_SCHEMA = pa.schema([
    ("_row", pa.int64()),
    ("column", pa.string()),
    ("expectation", pa.string()),
    ("value", pa.string()),
    ("reason_code", pa.string()),
    ("reason", pa.string()),
    ("severity", pa.string()),  # error: quarantined; warn: published with this finding
    ("on_fail", pa.string()),  # keep, or set_null: a warn publishes the value as NULL
])


class FailureQueryError(RuntimeError):
    """GX's unexpected_index_query for an expectation could not be run on DuckDB."""


CHECK = TypeAdapter(AnyCheck)


def _reason_sql(rule: Rule) -> str:
    """A DuckDB expression giving the human reason for one offending row: the contract check's
    own reason, or that of the two rules every contract has."""
    col = rule.column
    if rule.kind == "required":
        return literal(f"{col} is empty but the contract requires a value")
    if rule.kind == "primary_key":
        keys = col.split(",")
        shown = " || ', ' || ".join(f"{literal(k + ' = ')} || {text_sql(k)}" for k in keys)
        return f"{shown} || {literal(' occurs more than once (primary key)')}"
    if rule.check is None:
        raise FailureQueryError(f"{col}: rule {rule.kind!r} records no contract check to give a reason")
    return CHECK.validate_python(rule.check).reason_sql(col)


def _value_sql(rule: Rule) -> str:
    if rule.kind == "primary_key":
        return " || '|' || ".join(text_sql(k) for k in rule.column.split(","))
    return f"CAST({ident(rule.column)} AS VARCHAR)"


def install_problem_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The identifier rules as the macros identifier checks name in their reasons."""
    for kind, problem_sql in ids.PROBLEM_SQL.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {problem_macro(kind)}(v) AS ({problem_sql('v')})")


def _offending_query(rule: Rule, gx_query: object) -> str:
    """The query listing a rule's offending rows: GX's unexpected_index_query, except for the
    primary key, where GX's compound-column query is unusable on DuckDB (it cross-joins the batch
    and leaves a bind parameter), so the same definition is written as a window count."""
    if rule.kind == "primary_key":
        keys = ", ".join(ident(k) for k in rule.column.split(","))
        return (f"SELECT * FROM (SELECT *, count(*) OVER (PARTITION BY {keys}) AS _n"
                f" FROM {BATCH_VIEW}) AS counted WHERE _n > 1")
    if not isinstance(gx_query, str):
        raise FailureQueryError(f"{rule.column}: GX returned no unexpected_index_query")
    return gx_query.strip().rstrip(";")


def _plain_condition(query: str) -> str | None:
    """The WHERE condition of GX's query when it is a plain filter of the batch view (no joins,
    subqueries or windows), taken verbatim; None otherwise."""
    _, found, condition = query.partition(f"\nFROM {BATCH_VIEW} \nWHERE ")
    if not found:
        return None
    try:
        tree = sqlglot.parse_one(query, read="duckdb")
    except sqlglot.errors.ParseError:
        return None
    if any(tree.find(kind) for kind in (exp.Subquery, exp.Join, exp.Window)):
        return None
    return condition


@dataclass(frozen=True)
class _Offence:
    """A row-level expectation GX found offending rows for."""

    rule: Rule
    expectation: str
    count: int
    query: str  # lists the offending rows of the batch view

    def select(self, source: str) -> str:
        return (
            f"SELECT CAST(_row AS BIGINT) AS _row, {literal(self.rule.column)} AS \"column\","
            f" {literal(self.expectation)} AS expectation, {_value_sql(self.rule)} AS value,"
            f" {literal(self.rule.reason_code)} AS reason_code,"
            f" {_reason_sql(self.rule)} AS reason, {literal(self.rule.severity)} AS severity,"
            f" {literal(self.rule.on_fail)} AS on_fail FROM ({source}) AS offending"
        )


def _offences(result: ExpectationSuiteValidationResult) -> list[_Offence]:
    out = []
    for r in result.results:
        config = config_of(r)
        rule = Rule.of(config.meta)
        count = r.result.get("unexpected_count")
        if rule is None or not rule.row_level or not count:
            continue
        query = _offending_query(rule, r.result.get("unexpected_index_query"))
        out.append(_Offence(rule, config.type, int(count), query))
    return out


def failure_rows(result: ExpectationSuiteValidationResult, data: Path) -> pa.Table:
    """All offending rows of `result` as a FAILURE_SCHEMA table (several rows per _row allowed).

    `data` is the Parquet GX validated (as the view `staged`). The conditions of GX's plain
    unexpected_index_queries are evaluated together in ONE scan that keeps only offending rows;
    other queries (joins, windows) run on their own. The rows found for each expectation must
    number GX's unexpected_count, or FailureQueryError says which expectation disagrees."""
    offences = _offences(result)
    if not offences:
        return FAILURE_SCHEMA.empty_table()
    plain = {i: c for i, o in enumerate(offences) if (c := _plain_condition(o.query))}
    parts: list[pa.Table] = []
    con = load_connection(spill_of(data))
    try:
        con.execute(batch_view_sql(data))
        install_problem_macros(con)
        if plain:
            flags = ", ".join(f"coalesce(({c}), false) AS _offends_{i}" for i, c in plain.items())
            hit = " OR ".join(f"coalesce(({c}), false)" for c in plain.values())
            con.execute(f"CREATE TEMP TABLE offending_rows AS SELECT *, {flags}"
                        f" FROM {BATCH_VIEW} WHERE {hit}")
        for i, o in enumerate(offences):
            source = f"SELECT * FROM offending_rows WHERE _offends_{i}" if i in plain else o.query
            name = f"{o.expectation} on {o.rule.column}"
            try:
                found = con.sql(o.select(source)).to_arrow_table().cast(FAILURE_SCHEMA)
            except duckdb.Error as e:
                raise FailureQueryError(f"{name}: {e}; query: {o.query[:300]}") from e
            if found.num_rows != o.count:
                raise FailureQueryError(
                    f"{name}: GX counted {o.count} offending rows but its query lists "
                    f"{found.num_rows}; query: {o.query[:300]}")
            parts.append(found)
    finally:
        con.close()
    return pa.concat_tables(parts)
