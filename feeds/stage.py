"""Staging: cast a load's text relation to the contract's types in one set-based DuckDB pass, and
quarantine what cannot be typed (cast, required, malformed_row, duplicate_key) with the file, line,
column, raw value and reason. The result is staging/<dataset>/<load_id>/staged.parquet: typed
contract columns plus _row, _file and _line, holding only rows that passed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from duckdb import func

from catalog.contract import Column, Contract
from feeds.numerals import cn_to_number
from feeds.readers import csv_rejects, register_raw
from shucang import quarantine
from shucang.duck import one_row

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


SPACES = " \t\r\n\u3000"


def _clean(col: Column) -> str:
    """The raw text without surrounding spaces (ASCII or full-width), empty as NULL.

    Trimming a character set costs far more than DuckDB's prefix()/suffix() tests, so the set is
    only trimmed from values that start or end with a space-like character."""
    raw = _q(col.source_name)
    edges = " OR ".join(f"{fn}({raw}, '{ch}')" for fn in ("prefix", "suffix") for ch in SPACES)
    return f"NULLIF(CASE WHEN {edges} THEN trim({raw}, '{SPACES}') ELSE {raw} END, '')"


def _folded(clean: str) -> str:
    """Full-width digits and punctuation folded to ASCII, thousands separators dropped."""
    return f"replace(translate({clean}, '{FULL_WIDTH}', '{HALF_WIDTH}'), ',', '')"


def _typed(col: Column, clean: str) -> str:
    """SQL casting the cleaned text to the column's type; NULL where it cannot be read.

    Each type has a fast path for the values machines write and, behind COALESCE (which evaluates
    it only where the fast path gave NULL), a slow path for what people type: full-width digits,
    Chinese numerals, thousands separators, other date layouts, UTC offsets."""
    if col.type == "string":
        return clean
    slow = _folded(clean)
    if col.type == "integer":
        # DuckDB would round '75.5' to 76: only dot-free text takes the fast cast; '75.0' is 75.
        # Each slow expression appears once: DuckDB hoists repeated subexpressions into a projection
        # computed for every row, which would make the slow path run on clean data too.
        return (f"COALESCE(CASE WHEN NOT contains({clean}, '.') THEN TRY_CAST({clean} AS BIGINT) END,"
                f" TRY_CAST(regexp_extract({slow}, '^([+-]?[0-9]+)(\\.0*)?$', 1) AS BIGINT),"
                f" cn_number({clean}))")
    if col.type == "double":
        return (f"COALESCE(TRY_CAST({clean} AS DOUBLE), TRY_CAST({slow} AS DOUBLE),"
                f" TRY_CAST(cn_number({clean}) AS DOUBLE))")
    if col.type == "date":
        return (f"CAST(COALESCE(try_strptime({clean}, '{DATE_FORMATS[0]}'),"
                f" try_strptime({slow}, {_lit(DATE_FORMATS)})) AS DATE)")
    if col.type == "timestamp":
        # offsets such as +08:00 or Z are converted to Beijing time, the feeds' local time
        return (f"COALESCE(try_strptime({clean}, '{TIMESTAMP_FORMATS[0]}'),"
                f" try_strptime({slow}, {_lit(TIMESTAMP_FORMATS)}),"
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
    con.create_function("cn_number", _cn_number, ["VARCHAR"], "BIGINT", type=func.ARROW,
                        null_handling=func.SPECIAL, side_effects=False)
    return con


BOOKKEEPING = ["_row", "_file", "_line", "_load_id"]
# _row = file index * ROW_STRIDE + line: unique in a load without a counting pass.
ROW_STRIDE = 10**12


def raw_json(contract: Contract) -> str:
    """SQL for a row's raw text as JSON keyed by the feed's column names (for the quarantine)."""
    return "to_json({" + ", ".join(f"{_lit([c.source_name])[1:-1]}: {_q(c.source_name)}"
                                    for c in contract.columns) + "})"


def typed_select(contract: Contract, source: str = "SELECT * FROM raw", keep_line: bool = False) -> str:
    """SQL over `source` (a file's rows, text columns named as in the feed) giving the typed contract
    columns, `_bad` (some value could not be read or a required one is empty) and `_raw` (the raw
    text as JSON, only for bad rows). `keep_line` passes a reader-given `_line` through."""
    inner, outer, fails = [], [], []
    for i, col in enumerate(contract.columns):
        inner.append(f"{_clean(col)} AS _c{i}")
        outer.append(f"_t{i} AS {_q(col.name)}")
        fail = f"(_c{i} IS NOT NULL AND _t{i} IS NULL)"
        if col.required or col.name in contract.primary_key:
            fail += f" OR _c{i} IS NULL"
        fails.append(f"({fail})")
    typed = ", ".join(f"{_typed(c, f'_c{i}')} AS _t{i}" for i, c in enumerate(contract.columns))
    raws = ", ".join(_q(c.source_name) for c in contract.columns)
    line = "_line, " if keep_line else ""
    bad = " OR ".join(fails)
    return (
        f"SELECT {', '.join(outer)}, {line}{bad} AS _bad, CASE WHEN {bad} THEN {raw_json(contract)} END"
        f" AS _raw FROM (SELECT *, {typed} FROM (SELECT {line}{', '.join(inner)}, {raws} FROM ({source})))"
    )


def _failure_select(contract: Contract, source: str) -> str:
    """One row per quarantined input row of `source` (rows with `_bad` and `_raw`): the first failing
    column and every reason."""
    parts = []
    for order, col in enumerate(contract.columns):
        raw = f"json_extract_string(_raw, {_lit([col.source_name])[1:-1]})"
        clean = f"NULLIF(trim({raw}, '{SPACES}'), '')"
        cond = f"{clean} IS NOT NULL AND {_q(col.name)} IS NULL"
        reason = (f"'{col.name} ({col.source_name}): cannot read ' || {raw}"
                  f" || ' as {col.type}'")
        parts.append(f"SELECT _row, _file, _line, _raw, {order} AS o, '{col.name}' AS col, {raw} AS val,"
                     f" 'cast' AS code, {reason} AS why FROM {source} WHERE _bad AND {cond}")
        if col.required or col.name in contract.primary_key:
            parts.append(f"SELECT _row, _file, _line, _raw, {order}, '{col.name}', NULL, 'required',"
                         f" '{col.name} ({col.source_name}) is required but empty'"
                         f" FROM {source} WHERE _bad AND {clean} IS NULL")
    union = " UNION ALL ".join(parts)
    return (f"SELECT any_value(_file) AS source_file, any_value(_line) AS line, arg_min(col, o) AS column,"
            f" arg_min(val, o) AS raw_value, arg_min(code, o) AS reason_code,"
            f" string_agg(why, '; ' ORDER BY o) AS reason, any_value(_raw) AS record"
            f" FROM ({union}) GROUP BY _row")


def _duplicate_rows(contract: Contract, source: str) -> str:
    """Later rows of `source` (readable rows) repeating a primary key seen earlier in the load, in
    quarantine shape."""
    key = ", ".join(_q(k) for k in contract.primary_key)
    key_text = " || '/' || ".join(f"CAST({_q(k)} AS VARCHAR)" for k in contract.primary_key)
    cols = ", ".join(_q(c.name) for c in contract.columns)
    return (
        f"SELECT _row, _file AS source_file, _line AS line, '{','.join(contract.primary_key)}' AS column,"
        f" {key_text} AS raw_value, 'duplicate_key' AS reason_code,"
        f" 'primary key ' || {key_text} || ' already appears at ' || first_file || ' row ' || first_line"
        f" AS reason, to_json(struct_pack({cols})) AS record FROM ("
        f" SELECT *, first_value(_file) OVER w AS first_file, first_value(_line) OVER w AS first_line,"
        f" row_number() OVER w AS n FROM {source} WINDOW w AS (PARTITION BY {key}"
        f" ORDER BY _row)) WHERE n > 1"
    )


def _line_fix(con: duckdb.DuckDBPyConnection, skipped: list[dict]) -> set[str]:
    """Register the rows the CSV reader skipped; return the files that have some. The reader
    counts accepted rows only, so each row after a skipped malformed one is off by the number
    skipped before it: the i-th skipped row (1-based, per file) at data row e leaves e - i
    accepted rows before it."""
    if not skipped:
        return set()
    con.register("skipped", pa.table({"f": [s["source_file"] for s in skipped],
                                      "e": [s["line"] for s in skipped]}))
    con.execute("CREATE TEMP TABLE fix AS SELECT f, e - row_number() OVER (PARTITION BY f ORDER BY e)"
                " AS before FROM skipped")
    return {s["source_file"] for s in skipped}


def _numbered(contract: Contract, load_id: str, typed: list[tuple[int, str, Path]],
              csv: bool, shifted: set[str]) -> str:
    """SQL numbering the typed rows of every file: `_row` unique in the load, `_file`, `_line`
    (CSV: the position in the file, which its typed Parquet keeps, corrected for skipped rows)."""
    cols = ", ".join(_q(c.name) for c in contract.columns)
    parts = []
    for idx, name, path in typed:
        line = "_line"
        if csv:
            line = "file_row_number + 1"
            if name in shifted:
                line += (f" + (SELECT count(*) FROM fix WHERE fix.f = {_lit([name])[1:-1]}"
                         f" AND fix.before < file_row_number + 1)")
        parts.append(
            f"SELECT {cols}, {idx} * {ROW_STRIDE} + {line} AS _row, {_lit([name])[1:-1]} AS _file,"
            f" {line} AS _line, '{load_id}' AS _load_id, _bad, _raw"
            f" FROM read_parquet('{path}', file_row_number=true)")
    return " UNION ALL ".join(parts)


def _rejected_file_records(batch_rejected: list) -> list[dict]:
    return [{"source_file": name, "reason_code": err.reason_code, "reason": err.message}
            for name, err in batch_rejected]


def stage(contract: Contract, load_id: str, files: list[Path], workdir: Path) -> StageResult:
    """Type a load's landed files; write staged.parquet and the stage's quarantine part.

    Pass one types each file in parallel into its own Parquet file, rows in file order (DuckDB
    keeps insertion order), flagging unreadable rows `_bad` with their raw text. Pass two, over that
    columnar Parquet, numbers the rows from their position (a row-number window would serialize the
    CSV scan), quarantines what must be, and writes the readable rows as staged.parquet in the
    published column order."""
    workdir.mkdir(parents=True, exist_ok=True)
    staged = workdir / "staged.parquet"
    con = connect()
    try:
        con.execute(f"SET temp_directory = '{workdir / 'spill'}'")
        batch = register_raw(con, contract, files, workdir)
        csv = contract.source.format == "csv"
        typed = []
        for idx, name, source in batch.sources:
            path = workdir / f"typed-{idx:05d}.parquet"
            # read once and deleted: writing it uncompressed is cheaper than compressing it
            con.execute(f"COPY ({typed_select(contract, source, keep_line=not csv)}) TO '{path}'"
                        " (FORMAT parquet, COMPRESSION uncompressed)")
            typed.append((idx, name, path))
        malformed = csv_rejects(con, batch)
        con.execute(f"CREATE TEMP VIEW numbered AS "
                    f"{_numbered(contract, load_id, typed, csv, _line_fix(con, malformed))}")
        con.execute("CREATE TEMP TABLE unreadable AS SELECT * FROM numbered WHERE _bad")
        bad = one_row(con, "SELECT count(*) FROM unreadable")[0]
        selects = [_failure_select(contract, "unreadable")] if bad else []
        good = "(SELECT * EXCLUDE (_bad, _raw) FROM numbered WHERE NOT _bad)"
        key = ", ".join(_q(k) for k in contract.primary_key)
        rows_good, distinct = one_row(con, f"SELECT count(*), count(DISTINCT ({key})) FROM {good}")
        n_dupes = 0
        if distinct != rows_good:
            con.execute(f"CREATE TEMP TABLE dup AS {_duplicate_rows(contract, good)}")
            selects.append("SELECT * EXCLUDE (_row) FROM dup")
            n_dupes = one_row(con, "SELECT count(*) FROM dup")[0]
        quarantined = 0
        if selects:
            quarantined = quarantine.write_part_sql(con, contract.id, load_id, "stage",
                                                    " UNION ALL ".join(selects))
        if malformed:
            quarantine.write_part_records(contract.id, load_id, "stage_structure", malformed)
        if batch.rejected:
            quarantine.write_part_records(contract.id, load_id, "rejected_files",
                                          _rejected_file_records(batch.rejected))
        cols = ", ".join(_q(c) for c in [c.name for c in contract.columns] + BOOKKEEPING)
        dup_rows = " WHERE _row NOT IN (SELECT _row FROM dup)" if n_dupes else ""
        con.execute(f"COPY (SELECT {cols} FROM {good}{dup_rows}) TO '{staged}' (FORMAT parquet)")
        for _idx, _name, path in typed:
            path.unlink()
    finally:
        con.close()
    return StageResult(
        staged=staged, rows_in=rows_good + bad + len(malformed), rows_staged=rows_good - n_dupes,
        rows_quarantined=quarantined + len(malformed), blank_lines=batch.blank_lines,
        encodings=tuple(sorted(batch.encodings)),
        rejected_files=tuple((name, f"{err.reason_code}: {err.message}") for name, err in batch.rejected),
    )
