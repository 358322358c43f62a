"""Row-level failures of a GX validation as one Arrow table for the quarantine: for every
row-level expectation that found offending rows, GX's own `unexpected_index_query` (its WHERE
condition, for plain ones) is run on DuckDB and turned into (_row, column, expectation, value,
reason_code, reason) rows.

It reads GX results and the load's Parquet; it writes nothing (the pipeline quarantines).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot
from great_expectations.core import ExpectationSuiteValidationResult
from sqlglot import exp

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


def _offending_query(rule: Rule, gx_query: object) -> str:
    """The query listing a rule's offending rows: GX's unexpected_index_query, except for the
    primary key, where GX's compound-column query is unusable on DuckDB (it cross-joins the batch
    and leaves a bind parameter), so the same definition is written as a window count."""
    if rule.kind == "primary_key":
        keys = ", ".join(_q(k) for k in rule.column.split(","))
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
    kwargs: dict[str, Any]
    count: int
    query: str  # lists the offending rows of the batch view

    def select(self, source: str) -> str:
        return (
            f"SELECT CAST(_row AS BIGINT) AS _row, {_lit(self.rule.column)} AS \"column\","
            f" {_lit(self.expectation)} AS expectation, {_value_sql(self.rule)} AS value,"
            f" {_lit(self.rule.reason_code)} AS reason_code,"
            f" {_reason_sql(self.rule, self.kwargs)} AS reason FROM ({source}) AS offending"
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
        out.append(_Offence(rule, config.type, config.kwargs,
                            int(count), query))
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
    con = duckdb.connect()
    try:
        con.execute(batch_view_sql(data))
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
