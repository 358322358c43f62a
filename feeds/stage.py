"""Staging: cast a load's text relation to the contract's types in one set-based DuckDB pass, and
quarantine what cannot be typed (cast, required, malformed_row, duplicate_key) with the file, line,
column, raw value and reason. The result is staging/<dataset>/<load_id>/staged.parquet: typed
contract columns plus _row, _file and _line, holding only rows that passed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from duckdb import func

from contracts.contract import Column, Contract
from contracts.schema import ADDRESS_COLUMN_NAMES
from feeds.errors import LoadRejected, MalformedFile, SchemaDrift
from feeds.numerals import cn_to_number
from feeds.readers import RawBatch, csv_rejects, register_raw, reread_by_record, undecoded_files
from feeds.records import RecordScan
from foundation.clock import Stopwatch
from foundation.duck import load_connection, one_row
from foundation.sql import ident, literal, literal_list, path
from warehouse import quarantine
from warehouse.publish import published_columns
from warehouse.snapshots import SNAPSHOT_PARQUET

FULL_WIDTH = "０１２３４５６７８９．－：／，＋"
HALF_WIDTH = "0123456789.-:/,+"
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d", "%Y.%m.%d"]
TIMESTAMP_FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日 %H时%M分",
    "%Y年%m月%d日 %H:%M:%S", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y%m%d%H%M%S",
    "%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d",
]


@dataclass(frozen=True)
class StageResult:
    staged: Path
    rows_in: int
    rows_staged: int
    rows_quarantined: int
    blank_lines: int
    encodings: tuple[str, ...]
    rejected_files: tuple[tuple[str, str], ...] = ()  # (file, reason) refused whole
    drift: tuple[str, ...] = ()  # what was read other than the contract says (extra columns ignored ...)
    seconds: tuple[tuple[str, float], ...] = ()  # (part of the stage, seconds it took), in order


# A hand-kept sheet's rows under the table that are no records: totals (合计, 小计), remarks (备注,
# 说明, 注：) and sign-offs (填报人, 审核人, 制表人, 填报日期). A failing row that opens a value with one
# of them and holds at most FOOTER_VALUES values is quarantined as `footer_row`, so the reason says
# what the row is rather than which column it lacks.
FOOTER_WORDS = ("合计", "总计", "小计", "共计", "备注", "说明", "注：", "注:", "填报人", "填表人",
                "审核人", "制表人", "负责人签字", "填报日期", "填表日期", "填报单位")
FOOTER_VALUES = 3

SPACES = " \t\r\n\u3000"
# what database exports write for NULL: `\N` (mysqldump, psql's text format, sqlite3 .dump) in any
# column; `NULL`/`null` too where text cannot be meant (a typed column)
NULL_MARKERS = ("\\N",)
# what people type into a cell they have no value for (a dash, a slash, 无): in a typed column no
# reading of them exists, so they are missing values (a required one is quarantined as `required`);
# in a text column they stay text (a check may still judge them)
PLACEHOLDERS = ("-", "--", "—", "——", "–", "―", "－", "/", "／", "\\", "无", "暂无", "空",
                "N/A", "n/a", "#N/A")
TYPED_NULL_MARKERS = (*NULL_MARKERS, "NULL", "null", *PLACEHOLDERS)


def _clean(col: Column, raw: str) -> str:
    """SQL for the raw text trimmed of spaces, NULL when empty or a NULL marker of its type."""
    markers = NULL_MARKERS if col.type == "string" else TYPED_NULL_MARKERS
    trimmed = f"NULLIF(trim({raw}, '{SPACES}'), '')"
    # list_contains, not IN: DuckDB plans a long IN list as a join, which loses the rows' order
    return f"CASE WHEN list_contains({literal_list(list(markers))}, {trimmed}) THEN NULL ELSE {trimmed} END"


def _trimmed(raw: str) -> str:
    """The raw text without surrounding spaces (ASCII or full-width), empty as NULL.

    Every test is a pass over every value, so only the edges people and exports really leave are
    looked for, each the cheapest way DuckDB has: `raw < '!'` (one comparison of the inlined prefix)
    catches empty text and a leading ASCII space, tab or line end; LIKE with one wildcard is a
    prefix or suffix test for the full-width space and a trailing ASCII space. A value caught is
    trimmed of every space-like character at both ends; a trailing tab or line end alone is kept
    (testing for them cost a fifth of staging time at 10M rows). `\\N`, a database export's NULL,
    is a missing value too."""
    edges = [f"{raw} < '!'", f"{raw} LIKE '\u3000%'", f"{raw} LIKE '% '", f"{raw} LIKE '%\u3000'"]
    return (f"CASE WHEN {' OR '.join(edges)} THEN NULLIF(trim({raw}, '{SPACES}'), '')"
            f" WHEN {raw} = {literal(NULL_MARKERS[0])} THEN NULL ELSE {raw} END")


def _folded(clean: str) -> str:
    """Full-width digits and punctuation folded to ASCII, thousands separators dropped."""
    return f"replace(translate({clean}, '{FULL_WIDTH}', '{HALF_WIDTH}'), ',', '')"


def _fast(col: Column, raw: str) -> str:
    """SQL reading raw text the way machines write it; NULL where it cannot. DuckDB's casts skip
    surrounding ASCII spaces themselves, so the text is not trimmed first."""
    if col.type == "integer":
        # DuckDB would round '75.5' to 76: only dot-free text takes the fast cast; '75.0' is 75.
        return f"CASE WHEN NOT contains({raw}, '.') THEN TRY_CAST({raw} AS BIGINT) END"
    if col.type == "double":
        return f"TRY_CAST({raw} AS DOUBLE)"
    if col.type == "date":
        return f"CAST(try_strptime({raw}, '{DATE_FORMATS[0]}') AS DATE)"
    if col.type == "timestamp":
        return f"try_strptime({raw}, '{TIMESTAMP_FORMATS[0]}')"
    if col.type == "boolean":
        return (f"CASE WHEN lower({raw}) IN ('true','1','是','y','yes') THEN true"
                f" WHEN lower({raw}) IN ('false','0','否','n','no') THEN false END")
    raise ValueError(f"unknown type {col.type}")  # pragma: no cover


def _excel_serial(folded: str) -> str:
    """SQL for a timestamp from an Excel date serial (days since 1899-12-30, a fraction for the
    time of day) as a workbook cell formatted as a number, or a CSV saved from one, holds it: five
    digits (1927 to 2173), NULL for other text."""
    return (f"CASE WHEN regexp_full_match({folded}, '[1-9][0-9]{{4}}(\\.[0-9]+)?')"
            f" THEN TIMESTAMP '1899-12-30'"
            f" + to_microseconds(CAST(round(CAST({folded} AS DOUBLE) * 86400000000) AS BIGINT)) END")


def _slow(col: Column, clean: str) -> str:
    """SQL reading trimmed text the way people type it: full-width digits, Chinese numerals,
    thousands separators, other date layouts, UTC offsets; NULL where it cannot be read."""
    folded = _folded(clean)
    if col.type == "integer":
        return (f"COALESCE(TRY_CAST(regexp_extract({folded}, '^([+-]?[0-9]+)(\\.0*)?$', 1) AS BIGINT),"
                f" cn_number({clean}))")
    if col.type == "double":
        return f"COALESCE(TRY_CAST({folded} AS DOUBLE), TRY_CAST(cn_number({clean}) AS DOUBLE))"
    if col.type == "date":
        # a date column given a timestamp (an Excel date-time cell, `2023/05/06 08:00`) takes its day
        return (f"COALESCE(CAST(try_strptime({folded}, {literal_list(DATE_FORMATS)}) AS DATE),"
                f" CAST(try_strptime({folded}, {literal_list(TIMESTAMP_FORMATS)}) AS DATE),"
                f" CAST({_excel_serial(folded)} AS DATE))")
    if col.type == "timestamp":
        # offsets such as +08:00 or Z are converted to Beijing time, the feeds' local time
        return (f"COALESCE(try_strptime({folded}, {literal_list(TIMESTAMP_FORMATS)}),"
                f" timezone('Asia/Shanghai', TRY_CAST({clean} AS TIMESTAMPTZ)), {_excel_serial(folded)})")
    if col.type == "boolean":
        return _fast(col, clean)
    raise ValueError(f"unknown type {col.type}")  # pragma: no cover


def _cn_number(values: pa.Array) -> pa.Array:
    return pa.array([cn_to_number(v) for v in values.to_pylist()], type=pa.int64())


def connect(spill: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the stager's helper functions; given a `spill` folder,
    bounded as a load's connections are (`foundation.duck.load_connection`)."""
    con = duckdb.connect() if spill is None else load_connection(spill)
    con.create_function("cn_number", _cn_number, ["VARCHAR"], "BIGINT", type=func.ARROW,
                        null_handling=func.SPECIAL, side_effects=False)
    return con


# _row = file index * ROW_STRIDE + line: unique in a load without a counting pass.
ROW_STRIDE = 10**12


def raw_json(contract: Contract) -> str:
    """SQL for a row's raw text as JSON keyed by the feed's column names (for the quarantine)."""
    return "to_json({" + ", ".join(f"{literal(c.source_name)}: {ident(c.source_name)}"
                                    for c in contract.columns) + "})"


def typed_select(contract: Contract, source: str = "SELECT * FROM raw", keep_line: bool = False,
                 kept: Sequence[str] = ()) -> str:
    """SQL over `source` (a file's rows, text columns named as in the feed) giving the typed contract
    columns, `_bad` (some value could not be read or a required one is empty) and `_raw` (the raw
    text as JSON, only for bad rows). `keep_line` passes a reader-given `_line` through, and the
    undeclared columns `kept` pass as text, trimmed.

    Three projections keep the per-row cost to what clean data needs: the first reads each value
    the fast way (a string is trimmed only when an edge is space-like), the second trims the text
    of the typed values the fast way could not read, and only those, and the third reads that text
    the slow way. Each expression appears once: DuckDB hoists repeated subexpressions into a
    projection computed for every row, which would make the slow path run on clean data too."""
    first, second, third, fails = [], [], [], []
    for i, col in enumerate(contract.columns):
        raw = ident(col.source_name)
        required = col.required or col.name in contract.primary_key
        if col.type == "string":
            first.append(f"{_trimmed(raw)} AS _v{i}")
            second.append(f"_v{i}")
            third.append(f"_v{i}")
            if required:
                fails.append(f"_v{i} IS NULL")
            continue
        first.append(f"{_fast(col, raw)} AS _f{i}")
        second.append(f"_f{i}, CASE WHEN _f{i} IS NULL AND {raw} IS NOT NULL"
                      f" THEN {_clean(col, raw)} END AS _c{i}")
        third.append(f"COALESCE(_f{i}, {_slow(col, f'_c{i}')}) AS _v{i}, _c{i}")
        # a required value may be neither empty nor unreadable; another one may not be unreadable
        fails.append(f"_v{i} IS NULL" if required else f"(_c{i} IS NOT NULL AND _v{i} IS NULL)")
    raws = ", ".join(ident(c) for c in [c.source_name for c in contract.columns] + list(kept))
    line = "_line, " if keep_line else ""
    bad = " OR ".join(fails) or "false"
    names = ", ".join([f"_v{i} AS {ident(c.name)}" for i, c in enumerate(contract.columns)]
                      + [f"{_trimmed(ident(k))} AS {ident(k)}" for k in kept])
    return (
        f"SELECT {names}, {line}{bad} AS _bad, CASE WHEN {bad} THEN {raw_json(contract)} END AS _raw"
        f" FROM (SELECT {', '.join(third)}, {line}{raws} FROM (SELECT {', '.join(second)}, {line}{raws}"
        f" FROM (SELECT {', '.join(first)}, {line}{raws} FROM ({source}))))"
    )


def failure_select(contract: Contract, source: str) -> str:
    """One row per quarantined input row of `source` (rows with `_bad` and `_raw`): the first failing
    column and every reason."""
    parts = []
    for order, col in enumerate(contract.columns):
        raw = f"json_extract_string(_raw, {literal(col.source_name)})"
        clean = _clean(col, raw)
        cond = f"{clean} IS NOT NULL AND {ident(col.name)} IS NULL"
        reason = (f"'{col.name} ({col.source_name}): cannot read ' || {raw}"
                  f" || ' as {col.type}'")
        parts.append(f"SELECT _row, _file, _line, _raw, {order} AS o, '{col.name}' AS col, {raw} AS val,"
                     f" 'cast' AS code, {reason} AS why FROM {source} WHERE _bad AND {cond}")
        if col.required or col.name in contract.primary_key:
            parts.append(f"SELECT _row, _file, _line, _raw, {order}, '{col.name}', NULL, 'required',"
                         f" '{col.name} ({col.source_name}) is required but empty'"
                         f" FROM {source} WHERE _bad AND {clean} IS NULL")
    parts.append(f"SELECT _row, _file, _line, _raw, -1, NULL, NULL, 'footer_row', 'a totals, remarks or"
                 f" sign-off row under the table, not a record' FROM {source}"
                 f" WHERE _bad AND {_footer(contract)}")
    union = " UNION ALL ".join(parts)
    return (f"SELECT any_value(_file) AS source_file, any_value(_line) AS line, arg_min(col, o) AS column,"
            f" arg_min(val, o) AS raw_value, arg_min(code, o) AS reason_code,"
            f" string_agg(why, '; ' ORDER BY o) AS reason, any_value(_raw) AS record"
            f" FROM ({union}) GROUP BY _row")


def _footer(contract: Contract) -> str:
    """SQL true for a row of `_raw` with at most FOOTER_VALUES values, one of which starts with one
    of FOOTER_WORDS (spaces inside the word aside: 合  计)."""
    raws = [f"json_extract_string(_raw, {literal(c.source_name)})" for c in contract.columns]
    words = "|".join(r"\s*".join(w) for w in FOOTER_WORDS)
    starts = " OR ".join(f"regexp_matches(coalesce({r}, ''), '^\\s*({words})')" for r in raws)
    filled = " + ".join(f"CAST(nullif(trim(coalesce({r}, '')), '') IS NOT NULL AS INTEGER)" for r in raws)
    return f"(({starts}) AND {filled} <= {FOOTER_VALUES})"


def duplicate_select(contract: Contract, source: str) -> str:
    """`source`'s rows repeating a primary key seen earlier in the load (those with `n > 1`, each
    with the `first_file` and `first_line` of the key), in quarantine shape."""
    key_text = " || '/' || ".join(f"CAST({ident(k)} AS VARCHAR)" for k in contract.primary_key)
    cols = ", ".join(ident(c.name) for c in contract.columns)
    return (
        f"SELECT _row, _file AS source_file, _line AS line, '{','.join(contract.primary_key)}' AS column,"
        f" {key_text} AS raw_value, 'duplicate_key' AS reason_code,"
        f" 'primary key ' || {key_text} || ' already appears at ' || first_file || ' row ' || first_line"
        f" AS reason, to_json(struct_pack({cols})) AS record FROM {source} WHERE n > 1"
    )


def _duplicate_rows(contract: Contract, source: str) -> str:
    """Later rows of `source` (readable rows) repeating a primary key seen earlier in the load, in
    quarantine shape."""
    key = ", ".join(ident(k) for k in contract.primary_key)
    return duplicate_select(contract, (
        f"(SELECT *, first_value(_file) OVER w AS first_file, first_value(_line) OVER w AS first_line,"
        f" row_number() OVER w AS n FROM {source} WINDOW w AS (PARTITION BY {key} ORDER BY _row))"))


def _keys_unique(con: duckdb.DuckDBPyConnection, rows: str, key: str) -> tuple[int, bool]:
    """How many `rows` there are and whether their `key`s are all distinct.

    Keys that rise strictly in load order (ids written in sequence, as machine feeds mostly are)
    are distinct, and one ordered pass comparing each key with the one before proves it: about a
    tenth of the cost of counting distinct keys at 10M rows. Otherwise the distinct keys are
    counted."""
    ordered = f"SELECT k, lag(k) OVER () AS prev FROM (SELECT ({key}) AS k FROM {rows})"
    count, falls = one_row(con, f"SELECT count(*), count(*) FILTER (WHERE k <= prev) FROM ({ordered})")
    if falls == 0:
        return count, True
    return count, one_row(con, f"SELECT count(DISTINCT ({key})) FROM {rows}")[0] == count


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


def _numbered(contract: Contract, load_id: str, typed: list[tuple[int, str, str]],
              batch: RawBatch, shifted: set[str]) -> str:
    """SQL numbering the typed rows of every file: `_row` unique in the load, `_file`, `_line`
    (given by the reader for files in `batch.numbered`; else the row's position in its file, which
    is its row number in the typed file, corrected for the rows the reader skipped) and `_load_id`;
    the undeclared columns any file kept, NULL in the files without them.

    `_file` and `_load_id` are ENUM constants: Parquet stores them as plain strings, but the writer
    takes an enum's dictionary as it is instead of hashing the same text for every row."""
    names = ", ".join(literal(name) for _, name, _ in typed)
    files = f"ENUM({names})"
    parts = []
    for idx, name, table in typed:
        own = batch.kept.get(idx, [])
        kept = [ident(k) if k in own else f"NULL::VARCHAR AS {ident(k)}" for k in batch.kept_names()]
        cols = ", ".join([ident(c.name) for c in contract.columns] + kept)
        line = "_line"
        if idx not in batch.numbered:
            line = f"{table}.file_row_number + 1"
            if name in shifted:
                line += (f" + (SELECT count(*) FROM fix WHERE fix.f = {literal(name)}"
                         f" AND fix.before < {table}.file_row_number + 1)")
        parts.append(
            f"SELECT {cols}, {idx} * {ROW_STRIDE} + {line} AS _row, {literal(name)}::{files} AS _file,"
            f" {line} AS _line, {literal(load_id)}::ENUM({literal(load_id)}) AS _load_id, _bad, _raw"
            f" FROM {table}")
    return " UNION ALL ".join(parts)


# A column is taken to have changed type when this many of its values in one file, and all of
# them, cannot be read: fewer could be a few rows of dirt in a small file.
TYPE_DRIFT_VALUES = 10


# the typed rows between the stage's two passes: read once, soon after, from the page cache, so
# written for speed, not size
TYPED_PARQUET = "FORMAT parquet, COMPRESSION uncompressed, DICTIONARY_SIZE_LIMIT 0"


def _type_file(con: duckdb.DuckDBPyConnection, contract: Contract, batch: RawBatch, idx: int,
               source: str, workdir: Path) -> None:
    """Type the rows of file `idx` (read by `source`) into workdir/typed_<idx>.parquet, read by
    the view typed_<idx> with each row's `file_row_number`.

    The scan and the writer run in parallel and keep insertion order, so a row's number in the
    typed file is its place in the landed file; the rows stream through, never held in memory."""
    select = typed_select(contract, source, keep_line=idx in batch.numbered, kept=batch.kept.get(idx, []))
    typed = path(workdir / f"typed_{idx}.parquet")
    con.execute(f"COPY ({select}) TO {typed} ({TYPED_PARQUET})")
    con.execute(f"CREATE OR REPLACE TEMP VIEW typed_{idx} AS"
                f" SELECT * FROM read_parquet({typed}, file_row_number = true)")


def _drop_empty_rows(con: duckdb.DuckDBPyConnection, contract: Contract, kept: Sequence[str]) -> int:
    """Delete from `unreadable` the rows none of whose columns (the contract's and the `kept`
    undeclared ones) holds a value (a line of delimiters only: Excel saves a sheet's formatted but
    empty rows so); return how many. They are blank lines, as blank rows of a workbook are. Every
    such row is `_bad`, for a primary key is required."""
    return int(one_row(con, f"DELETE FROM unreadable WHERE {empty_row(contract, kept)}")[0])


def empty_row(contract: Contract, kept: Sequence[str]) -> str:
    """SQL true for an unreadable row none of whose columns (the contract's and the `kept`
    undeclared ones) holds a value."""
    return " AND ".join([f"{_clean(c, f'json_extract_string(_raw, {literal(c.source_name)})')} IS NULL"
                         for c in contract.columns] + [f"{ident(k)} IS NULL" for k in kept])


def _check_rows_read(con: duckdb.DuckDBPyConnection, scan: RecordScan, name: str, table: str,
                     unreadable: int) -> None:
    """Refuse the file unless the reader returned (or reported) every record its bytes hold."""
    read = one_row(con, f"SELECT count(*) FROM {table}")[0] + unreadable
    if read != scan.records:
        raise MalformedFile(
            f"{name}: the file's line ends delimit {scan.records:,} records but the CSV reader read"
            f" {read:,}: rows would be lost or shifted (a stray quote or line end inside a field?)")


def _check_types(con: duckdb.DuckDBPyConnection, contract: Contract, name: str, table: str) -> None:
    """Refuse the file when a typed column cannot read a single one of its values (at least
    TYPE_DRIFT_VALUES of them): the feed changed the column's type, which is schema drift, not
    row dirt."""
    if one_row(con, f"SELECT count(*) FILTER (WHERE _bad) FROM {table}")[0] < TYPE_DRIFT_VALUES:
        return
    for col in contract.columns:
        if col.type == "string":
            continue
        raw = _clean(col, f"json_extract_string(_raw, {literal(col.source_name)})")
        values, read, example = one_row(
            con, f"SELECT count({raw}), count({ident(col.name)}), any_value({raw}) FROM {table}")
        if values >= TYPE_DRIFT_VALUES and read == 0:
            raise SchemaDrift(
                f"{name}: column {col.source_name!r} ({col.name}) is {col.type} in contract"
                f" {contract.id} v{contract.version}, but none of its {values:,} values reads as one"
                f" (e.g. {example!r}): the feed changed the column's type")


def _rejected_file_records(batch: RawBatch) -> list[dict]:
    """One record per refused file (its reason, no line) and one per row of it."""
    return [{"source_file": name, "reason_code": err.reason_code, "reason": err.message}
            for name, err in batch.rejected] + batch.refused_rows


def stage(contract: Contract, load_id: str, files: list[Path], workdir: Path) -> StageResult:
    """Type a load's landed files; write staged.parquet and the stage's quarantine part.

    Pass one types each file in parallel into its own in-memory table, rows in file order (DuckDB
    keeps insertion order), flagging unreadable rows `_bad` with their raw text; a CSV file whose
    reader did not account for every record of its bytes, or a column none of whose values can be
    read, refuses that file. Pass two numbers the rows from their rowid (a row-number window would
    serialize the CSV scan), quarantines what must be, and writes the readable rows as
    staged.parquet in the published column order: the load's only Parquet write, and the file a
    clean first load publishes as it is. When every file is refused, the first refusal is raised
    with all their rows counted."""
    workdir.mkdir(parents=True, exist_ok=True)
    staged = workdir / "staged.parquet"
    clock = Stopwatch()
    con = connect(workdir / "spill")
    try:
        batch = register_raw(con, contract, files, workdir)
        for idx, _name, source in batch.sources:
            _type_file(con, contract, batch, idx, source, workdir)
        for idx in undecoded_files(con, batch):  # UTF-8, then other bytes past the first MiB
            again = reread_by_record(con, contract, idx, files[idx], workdir, batch)
            _type_file(con, contract, batch, idx, again, workdir)
        unreadable = csv_rejects(con, batch)
        typed = []
        for idx, name, _source in batch.sources:
            try:
                if idx in batch.scans:
                    _check_rows_read(con, batch.scans[idx], name, f"typed_{idx}",
                                     len(unreadable.get(idx, [])))
                _check_types(con, contract, name, f"typed_{idx}")
            except LoadRejected as e:
                batch.refuse(files[idx], e, contract)
                unreadable.pop(idx, None)
                continue
            typed.append((idx, name, f"typed_{idx}"))
        clock.lap("type")
        record_refusals(contract, load_id, len(files), batch, readable=bool(typed))
        malformed = [r for rows in unreadable.values() for r in rows]
        shifted = [r for idx, rows in unreadable.items() if idx not in batch.numbered for r in rows]
        con.execute(f"CREATE TEMP VIEW numbered AS "
                    f"{_numbered(contract, load_id, typed, batch, _line_fix(con, shifted))}")
        con.execute("CREATE TEMP TABLE unreadable AS SELECT * FROM numbered WHERE _bad")
        batch.blank_lines += _drop_empty_rows(con, contract, batch.kept_names())
        bad = one_row(con, "SELECT count(*) FROM unreadable")[0]
        selects = [failure_select(contract, "unreadable")] if bad else []
        clock.lap("unreadable")
        good = "(SELECT * EXCLUDE (_bad, _raw) FROM numbered WHERE NOT _bad)"
        key = ", ".join(ident(k) for k in contract.primary_key)
        rows_good, unique = _keys_unique(con, good, key)
        clock.lap("keys")
        n_dupes = 0
        if not unique:
            con.execute(f"CREATE TEMP TABLE dup AS {_duplicate_rows(contract, good)}")
            selects.append("SELECT * EXCLUDE (_row) FROM dup")
            n_dupes = one_row(con, "SELECT count(*) FROM dup")[0]
        quarantined = 0
        if selects:
            quarantined = quarantine.write_part_sql(con, contract.id, load_id, "stage",
                                                    " UNION ALL ".join(selects))
        if malformed:
            quarantine.write_part_records(contract.id, load_id, "stage_structure", malformed)
        clock.lap("quarantine")
        cols = ", ".join(ident(c) for c in published_columns(contract, batch.kept_names())
                         if c not in ADDRESS_COLUMN_NAMES)
        dup_rows = " WHERE _row NOT IN (SELECT _row FROM dup)" if n_dupes else ""
        # rows carry their file and line, so the file need not keep their order: unordered, the
        # writer's threads do not wait for each other (a quarter less CPU at 10M rows)
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"COPY (SELECT {cols} FROM {good}{dup_rows}) TO {path(staged)} ({SNAPSHOT_PARQUET})")
        clock.lap("write")
    finally:
        con.close()
        for typed_file in workdir.glob("typed_*.parquet"):
            typed_file.unlink()
    return stage_result(staged, batch, rows_good=rows_good, unreadable=bad, malformed=len(malformed),
                        duplicates=n_dupes, quarantined=quarantined, seconds=tuple(clock.laps))


def stage_result(staged: Path, batch: RawBatch, *, rows_good: int, unreadable: int, malformed: int,
                 duplicates: int, quarantined: int,
                 seconds: tuple[tuple[str, float], ...] = ()) -> StageResult:
    """What a stage did, from its counts: readable rows (repeated keys among them), unreadable and
    malformed rows, and the rows of the stage's quarantine part (unreadable and repeated)."""
    refused = len(batch.refused_rows)
    return StageResult(
        staged=staged, rows_in=rows_good + unreadable + malformed + refused,
        rows_staged=rows_good - duplicates, rows_quarantined=quarantined + malformed + refused,
        blank_lines=batch.blank_lines,
        encodings=tuple(sorted(batch.encodings)),
        rejected_files=tuple((name, f"{err.reason_code}: {err.message}") for name, err in batch.rejected),
        drift=tuple(batch.drift),
        seconds=seconds,
    )


def record_refusals(contract: Contract, load_id: str, files: int, batch: RawBatch, readable: bool) -> None:
    """Write the quarantine part of the load's refused files; when no file of the `files` was
    `readable`, raise the first refusal with all their rows counted."""
    if batch.rejected:
        quarantine.write_part_records(contract.id, load_id, "rejected_files", _rejected_file_records(batch))
    if not readable:
        _, first = batch.rejected[0]
        if files > 1:
            first.message += f" (and all {files} files of the load were refused)"
        first.rows = len(batch.refused_rows)
        raise first
