"""Staging: cast a load's text relation to the contract's types in one set-based DuckDB pass, and
quarantine what cannot be typed (cast, required, malformed_row, duplicate_key) with the file, line,
column, raw value and reason. The result is staging/<dataset>/<load_id>/staged.parquet: typed
contract columns plus _row, _file and _line, holding only rows that passed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from catalog.contract import Column, Contract
from feeds.numerals import cn_to_number
from feeds.readers import csv_rejects, register_raw
from shucang import quarantine

FULL_WIDTH = "０１２３４５６７８９．－：／，＋"
HALF_WIDTH = "0123456789.-:/,+"
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d", "%Y.%m.%d"]
TIMESTAMP_FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日 %H时%M分",
    "%Y-%m-%d", "%Y/%m/%d",
]
DUCK_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "double": "DOUBLE", "date": "DATE",
              "timestamp": "TIMESTAMP", "boolean": "BOOLEAN"}


@dataclass(frozen=True)
class StageResult:
    staged: Path
    rows_in: int
    rows_staged: int
    rows_quarantined: int
    blank_lines: int
    encodings: tuple[str, ...]
    rejected_files: tuple[tuple[str, str], ...] = ()  # (file, reason) refused whole


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _clean(col: Column) -> str:
    """The raw text, trimmed (ASCII and full-width spaces), empty as NULL; digits folded to ASCII."""
    raw = _q(col.source_name)
    text = f"trim({raw}, ' \t\r\n\u3000')"
    if col.type != "string":
        text = f"replace(translate({text}, '{FULL_WIDTH}', '{HALF_WIDTH}'), ',', '')"
    return f"NULLIF({text}, '')"


def _typed(col: Column, clean: str) -> str:
    """SQL casting the cleaned text to the column's type; NULL where it cannot be read."""
    if col.type == "string":
        return clean
    if col.type in ("integer", "double"):
        t = DUCK_TYPES[col.type]
        numeral = f"TRY_CAST(cn_number({clean}) AS {t})"
        if col.type == "integer":
            # '75.0' from a spreadsheet is 75, but DuckDB would round '75.5' to 76: refuse fractions
            return (f"CASE WHEN regexp_full_match({clean}, '[+-]?[0-9]+(\\.0*)?')"
                    f" THEN TRY_CAST(regexp_replace({clean}, '\\.0*$', '') AS BIGINT) ELSE {numeral} END")
        return f"COALESCE(TRY_CAST({clean} AS DOUBLE), {numeral})"
    if col.type == "date":
        return f"CAST(try_strptime({clean}, {_lit(DATE_FORMATS)}) AS DATE)"
    if col.type == "timestamp":
        # offsets such as +08:00 or Z are converted to Beijing time, the feeds' local time
        return (f"COALESCE(try_strptime({clean}, {_lit(TIMESTAMP_FORMATS)}),"
                f" timezone('Asia/Shanghai', TRY_CAST({clean} AS TIMESTAMPTZ)))")
    if col.type == "boolean":
        return (f"CASE WHEN lower({clean}) IN ('true','1','是','y','yes') THEN true"
                f" WHEN lower({clean}) IN ('false','0','否','n','no') THEN false END")
    raise ValueError(f"unknown type {col.type}")  # pragma: no cover


def _cn_number(values: pa.Array) -> pa.Array:
    return pa.array([cn_to_number(v) for v in values.to_pylist()], type=pa.int64())


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the stager's helper functions."""
    con = duckdb.connect()
    con.create_function("cn_number", _cn_number, ["VARCHAR"], "BIGINT", type="arrow",
                        null_handling="special", side_effects=False)
    return con


def typed_select(contract: Contract) -> str:
    """SQL over `raw` giving typed columns, `_bad` (some value failed) and `_raw` (raw text, JSON)."""
    inner, outer, fails = [], [], []
    for i, col in enumerate(contract.columns):
        inner.append(f"{_clean(col)} AS _c{i}")
        outer.append(f"_t{i} AS {_q(col.name)}")
        fail = f"(_c{i} IS NOT NULL AND _t{i} IS NULL)"
        if col.required or col.name in contract.primary_key:
            fail += f" OR _c{i} IS NULL"
        fails.append(f"({fail})")
    typed = ", ".join(f"{_typed(c, f'_c{i}')} AS _t{i}" for i, c in enumerate(contract.columns))
    raw_json = "to_json({" + ", ".join(f"{_lit([c.source_name])[1:-1]}: {_q(c.source_name)}"
                                         for c in contract.columns) + "})"
    bad = " OR ".join(fails)
    return (
        f"SELECT _row, _file, _line, {', '.join(outer)}, {bad} AS _bad,"
        f" CASE WHEN {bad} THEN {raw_json} END AS _raw"
        f" FROM (SELECT *, {typed} FROM (SELECT _row, _file, _line, {', '.join(inner)},"
        f" {', '.join(_q(c.source_name) for c in contract.columns)} FROM raw))"
    )


def _failure_select(contract: Contract) -> str:
    """One row per quarantined input row: the first failing column and every reason."""
    parts = []
    for order, col in enumerate(contract.columns):
        raw = f"json_extract_string(_raw, {_lit([col.source_name])[1:-1]})"
        clean = f"NULLIF(trim({raw}, ' \t\r\n\u3000'), '')"
        cond = f"{clean} IS NOT NULL AND {_q(col.name)} IS NULL"
        reason = (f"'{col.name} ({col.source_name}): cannot read ' || {raw}"
                  f" || ' as {col.type}'")
        parts.append(f"SELECT _row, _file, _line, _raw, {order} AS o, '{col.name}' AS col, {raw} AS val,"
                     f" 'cast' AS code, {reason} AS why FROM typed WHERE _bad AND {cond}")
        if col.required or col.name in contract.primary_key:
            parts.append(f"SELECT _row, _file, _line, _raw, {order}, '{col.name}', NULL, 'required',"
                         f" '{col.name} ({col.source_name}) is required but empty'"
                         f" FROM typed WHERE _bad AND {clean} IS NULL")
    union = " UNION ALL ".join(parts)
    return (f"SELECT any_value(_file) AS source_file, any_value(_line) AS line, arg_min(col, o) AS column,"
            f" arg_min(val, o) AS raw_value, arg_min(code, o) AS reason_code,"
            f" string_agg(why, '; ' ORDER BY o) AS reason, any_value(_raw) AS record"
            f" FROM ({union}) GROUP BY _row")


def _duplicate_rows(contract: Contract) -> str:
    """Later rows repeating a primary key already seen earlier in the load, in quarantine shape."""
    key = ", ".join(_q(k) for k in contract.primary_key)
    key_text = " || '/' || ".join(f"CAST({_q(k)} AS VARCHAR)" for k in contract.primary_key)
    cols = ", ".join(_q(c.name) for c in contract.columns)
    return (
        f"SELECT _row, _file AS source_file, _line AS line, '{','.join(contract.primary_key)}' AS column,"
        f" {key_text} AS raw_value, 'duplicate_key' AS reason_code,"
        f" 'primary key ' || {key_text} || ' already appears at ' || first_file || ' row ' || first_line"
        f" AS reason, to_json(struct_pack({cols})) AS record FROM ("
        f" SELECT *, first_value(_file) OVER w AS first_file, first_value(_line) OVER w AS first_line,"
        f" row_number() OVER w AS n FROM typed WHERE NOT _bad WINDOW w AS (PARTITION BY {key}"
        f" ORDER BY _row)) WHERE n > 1"
    )


def _renumber_after_skipped_rows(con: duckdb.DuckDBPyConnection, skipped: list[dict]) -> None:
    """Restore true data-row numbers: the reader numbers accepted rows only, so every row after a
    skipped malformed one is off by the number skipped before it. The i-th skipped row (1-based,
    per file) at data row e leaves e - i accepted rows before it."""
    con.register("skipped", pa.table({"f": [s["source_file"] for s in skipped],
                                      "e": [s["line"] for s in skipped]}))
    con.execute("CREATE TEMP TABLE fix AS SELECT f, e - row_number() OVER (PARTITION BY f ORDER BY e)"
                " AS before FROM skipped")
    con.execute("UPDATE typed SET _line = _line + (SELECT count(*) FROM fix WHERE fix.f = typed._file"
                " AND fix.before < typed._line) WHERE _file IN (SELECT f FROM fix)")


def _rejected_file_records(batch_rejected: list) -> list[dict]:
    return [{"source_file": name, "reason_code": err.reason_code, "reason": err.message}
            for name, err in batch_rejected]


def stage(contract: Contract, load_id: str, files: list[Path], workdir: Path) -> StageResult:
    """Type a load's landed files; write staged.parquet and the stage's quarantine part."""
    workdir.mkdir(parents=True, exist_ok=True)
    staged = workdir / "staged.parquet"
    con = connect()
    try:
        con.execute(f"SET temp_directory = '{workdir / 'spill'}'")
        batch = register_raw(con, contract, files, workdir)
        con.execute(f"CREATE TEMP TABLE typed AS {typed_select(contract)}")
        malformed = csv_rejects(con, batch)
        if malformed:
            _renumber_after_skipped_rows(con, malformed)
        rows_read, bad = con.execute("SELECT count(*), count(*) FILTER (WHERE _bad) FROM typed").fetchone()
        key = ", ".join(_q(k) for k in contract.primary_key)
        has_dupes = con.execute(
            f"SELECT count(*) <> count(DISTINCT ({key})) FROM typed WHERE NOT _bad").fetchone()[0]
        selects = []
        if bad:
            selects.append(_failure_select(contract))
        if has_dupes:
            con.execute(f"CREATE TEMP TABLE dup AS {_duplicate_rows(contract)}")
            selects.append("SELECT * EXCLUDE (_row) FROM dup")
        quarantined = 0
        if selects:
            quarantined = quarantine.write_part_sql(con, contract.id, load_id, "stage",
                                                    " UNION ALL ".join(selects))
        if malformed:
            quarantine.write_part_records(contract.id, load_id, "stage_structure", malformed)
        if batch.rejected:
            quarantine.write_part_records(contract.id, load_id, "rejected_files",
                                          _rejected_file_records(batch.rejected))
        cols = ", ".join(_q(c.name) for c in contract.columns)
        dup_rows = " AND _row NOT IN (SELECT _row FROM dup)" if has_dupes else ""
        con.execute(f"COPY (SELECT _row, _file, _line, {cols} FROM typed WHERE NOT _bad{dup_rows})"
                    f" TO '{staged}' (FORMAT parquet)")
        rows_staged = rows_read - bad - (
            con.execute("SELECT count(*) FROM dup").fetchone()[0] if has_dupes else 0)
    finally:
        con.close()
    return StageResult(
        staged=staged, rows_in=rows_read + len(malformed), rows_staged=rows_staged,
        rows_quarantined=quarantined + len(malformed), blank_lines=batch.blank_lines,
        encodings=tuple(sorted(batch.encodings)),
        rejected_files=tuple((name, f"{err.reason_code}: {err.message}") for name, err in batch.rejected),
    )
