"""Readers turn each of a load's landed files into a relation of text columns named as the feed
names them (the contract's `source` names), rows in file order; Excel and JSON rows also carry
`_line` (the sheet row, or the record's place in its page), CSV lines are counted by the stager.
They check structure, not values: a missing or renamed column, a truncated file or undecodable
bytes refuse that file; a row with the wrong number of fields is reported for quarantine. Typing
is the stager's job."""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from contracts.contract import Contract
from contracts.sources import FileSource, HttpSource
from feeds.encoding import detect_encoding, transcode_to_utf8
from feeds.errors import EmptyInput, LoadRejected, SchemaDrift, TruncatedFile


@dataclass
class RawBatch:
    """The text relations of one load's files, and what reading them found."""

    # (file index, landed file name, SQL relation of its rows in file order: the source columns as
    # VARCHAR, plus `_line` where the reader knows it (sheet rows); CSV lines are counted later)
    sources: list[tuple[int, str, str]] = field(default_factory=list)
    encodings: set[str] = field(default_factory=set)
    blank_lines: int = 0
    # for CSV, DuckDB records malformed lines while the relation is scanned; see csv_rejects()
    csv_files: dict[int, str] = field(default_factory=dict)
    # files refused whole (truncated, undecodable, drifted header): the other files still load
    rejected: list[tuple[str, LoadRejected]] = field(default_factory=list)


def check_header(contract: Contract, found: Iterable[str], file: str) -> None:
    """Reject unless the header names exactly the contract's source columns (any order)."""
    expected = {c.source_name for c in contract.columns}
    got = [h.strip().lstrip("\ufeff") for h in found if h is not None and str(h).strip() != ""]
    missing = sorted(expected - set(got))
    unexpected = sorted(set(got) - expected)
    if missing or unexpected:
        parts = []
        for m in missing:
            col = next(c.name for c in contract.columns if c.source_name == m)
            parts.append(f"column {m!r} ({col}) is missing")
        if unexpected:
            parts.append(f"unexpected column(s) {', '.join(repr(u) for u in unexpected)}")
        raise SchemaDrift(f"{file}: header does not match contract {contract.id} v{contract.version}: "
                          + "; ".join(parts))
    dupes = sorted({h for h in got if got.count(h) > 1})
    if dupes:
        raise SchemaDrift(f"{file}: column(s) {', '.join(dupes)} appear more than once in the header")


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _csv_header(path: Path, delimiter: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f, delimiter=delimiter), [])


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as f:
        f.seek(0, 2)
        if f.tell() == 0:
            return True
        f.seek(-1, 2)
        return f.read(1) in (b"\n", b"\r")


def _csv_select(contract: Contract, idx: int, path: Path, workdir: Path, batch: RawBatch) -> str:
    """SQL reading one CSV file (transcoded to UTF-8 under `workdir` when it is GBK)."""
    if path.stat().st_size == 0:
        raise EmptyInput(f"{path.name}: file is empty (0 bytes); expected a header and rows")
    encoding = detect_encoding(path, contract.source_of(FileSource).encoding)
    readable = path
    if encoding != "utf-8":
        readable = transcode_to_utf8(path, workdir / f"{idx:05d}.utf8.csv", encoding)
    if not _ends_with_newline(readable):
        tail = readable.read_bytes()[-200:].decode("utf-8", "replace").rsplit("\n", 1)[-1]
        raise TruncatedFile(
            f"{path.name}: file ends in the middle of a row (no line terminator after "
            f"{tail[:60]!r}); the export was cut off"
        )
    delimiter = contract.source_of(FileSource).delimiter
    header = _csv_header(readable, delimiter)
    check_header(contract, header, path.name)
    batch.encodings.add(encoding)
    batch.csv_files[idx] = path.name
    cols = ", ".join(f'"{c.source_name}"' for c in contract.columns)
    # the header is known and checked: naming its columns lets DuckDB skip sniffing the file
    columns = "{" + ", ".join(f"{_sql_str(h.strip().lstrip(chr(0xFEFF)))}: 'VARCHAR'" for h in header) + "}"
    return (
        f"SELECT {cols} FROM read_csv({_sql_str(str(readable))}, header=true, auto_detect=false,"
        f" columns={columns}, delim={_sql_str(delimiter)}, quote='\"', escape='\"',"
        f" store_rejects=true, ignore_errors=true, rejects_scan='rejects_scan_{idx}',"
        f" rejects_table='rejects_errors_{idx}')"
    )


def csv_rejects(con: duckdb.DuckDBPyConnection, batch: RawBatch) -> list[dict[str, Any]]:
    """Rows DuckDB could not split into the header's fields, after the relation was scanned."""
    out = []
    for idx, name in batch.csv_files.items():
        try:
            rows = con.execute(
                f"SELECT line, min(error_message), any_value(csv_line) FROM rejects_errors_{idx}"
                " GROUP BY line ORDER BY line"
            ).fetchall()
        except duckdb.CatalogException:
            continue  # nothing was rejected, so DuckDB created no table
        for line, message, csv_line in rows:
            out.append({"source_file": name, "line": int(line) - 1, "column": None,
                        "raw_value": csv_line, "reason_code": "malformed_row",
                        "reason": f"row does not have the header's fields: {message}",
                        "record": json.dumps({"line": csv_line}, ensure_ascii=False)})
    return out


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _sheet_rows(path: Path, sheet: str | None) -> list[list[Any]]:
    """All rows of a worksheet with merged data cells filled from their top-left cell."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise TruncatedFile(f"{path.name}: not a readable .xlsx workbook ({e}); truncated or corrupt") from e
    ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(rows) else None
        for r in range(rng.min_row, min(rng.max_row, len(rows)) + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if c - 1 < len(rows[r - 1]):
                    rows[r - 1][c - 1] = top
    return rows


def _find_header(contract: Contract, rows: list[list[Any]], file: str) -> int:
    """Index of the row holding the column headers (below any title and merged group rows)."""
    wanted = {c.source_name for c in contract.columns}
    best, best_hits = -1, 0
    for i, row in enumerate(rows[:30]):
        hits = len(wanted & {str(v).strip() for v in row if v is not None})
        if hits > best_hits:
            best, best_hits = i, hits
    if best < 0 or best_hits < max(1, len(wanted) // 2):
        raise SchemaDrift(f"{file}: no header row naming the contract's columns in the first 30 rows "
                          f"(expected {', '.join(sorted(wanted))})")
    return best


Record = tuple[int, list[str | None]]  # (line in the file or sheet, values in contract order)


def _arrow_batch(names: list[str], records: list[Record]) -> pa.Table:
    """One file's records as a table of `_line` and the source columns (VARCHAR)."""
    schema = pa.schema([("_line", pa.int64())] + [(n, pa.string()) for n in names])
    cols: list[list[Any]] = [[line for line, _ in records]]
    cols += [[values[i] for _, values in records] for i in range(len(names))]
    return pa.table(cols, schema=schema)


def _xlsx_records(contract: Contract, path: Path, batch: RawBatch) -> list[Record]:
    """Rows of one hand-filled workbook: header found under title/merged rows, blank lines skipped."""
    names = [c.source_name for c in contract.columns]
    rows = _sheet_rows(path, contract.source_of(FileSource).sheet)
    h = _find_header(contract, rows, path.name)
    header = [str(v).strip() if v is not None else "" for v in rows[h]]
    check_header(contract, header, path.name)
    pos = {name: header.index(name) for name in names}
    records, blank = [], 0
    for i, row in enumerate(rows[h + 1:], start=h + 2):
        texts = [_cell_text(v) for v in row]
        if all(t is None for t in texts):
            blank += 1
            continue
        values = [texts[pos[n]] if pos[n] < len(texts) else None for n in names]
        records.append((i, values))
    batch.blank_lines += blank
    return records


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_records(contract: Contract, path: Path) -> list[Record]:
    """The records under `records_path` of one JSON page."""
    names = [c.source_name for c in contract.columns]
    try:
        page = json.loads(path.read_bytes())
    except ValueError as e:
        raise TruncatedFile(f"{path.name}: not complete JSON ({e})") from e
    records_path = contract.source_of(HttpSource).records_path
    items = page.get(records_path) if isinstance(page, dict) else None
    if not isinstance(items, list):
        raise SchemaDrift(f"{path.name}: no list of records under {records_path!r}")
    if items:
        check_header(contract, {k for item in items if isinstance(item, dict) for k in item}, path.name)
    return [(i, [_json_text(item.get(n)) if isinstance(item, dict) else None for n in names])
            for i, item in enumerate(items, start=1)]


def register_raw(con: duckdb.DuckDBPyConnection, contract: Contract, files: list[Path],
                 workdir: Path) -> RawBatch:
    """Read a load's files by the contract's format: one relation per file in `batch.sources`
    (Excel and JSON rows are registered on `con` as Arrow tables `raw_<index>`).

    A file refused whole is listed in `batch.rejected` and the others load; when every file is
    refused, the first refusal is raised for the whole load."""
    if not files:
        raise EmptyInput(f"{contract.id}: the load has no files")
    fmt = contract.source.format
    names = [c.source_name for c in contract.columns]
    batch = RawBatch()
    for idx, path in enumerate(files):
        try:
            if fmt == "csv":
                batch.sources.append((idx, path.name, _csv_select(contract, idx, path, workdir, batch)))
                continue
            records = (_xlsx_records(contract, path, batch) if fmt == "xlsx"
                       else _json_records(contract, path))
        except LoadRejected as e:
            batch.rejected.append((path.name, e))
            continue
        con.register(f"raw_{idx}", _arrow_batch(names, records))
        batch.sources.append((idx, path.name, f"SELECT * FROM raw_{idx}"))
    if len(batch.rejected) == len(files):
        first = batch.rejected[0][1]
        if len(files) > 1:
            first.message += f" (and all {len(files)} files of the load were refused)"
        raise first
    return batch
