"""The rows of a file refused whole, as quarantine records, so that a refused file's rows are
counted and each is kept with the file's reason: every data line of a CSV file as its line ends
define them (a quote cannot join lines here: an unclosed quote is a usual reason for refusing),
every non-blank row under the first of each visible worksheet of a workbook (every line of text
under a workbook's name),
every record of a JSON page. Bytes that no encoding reads are kept as \\x escapes."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

from feeds.encoding import unmarked_utf16
from feeds.errors import LoadRejected, SchemaDrift, WrongFormat
from feeds.workbooks import OLE2, sheet_rows
from sources.pages import decode_page, page_records


def _text_lines(data: bytes) -> list[str]:
    """Non-blank lines of a text file, header included, in whatever encoding each line is in."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return [line for line in data.decode("utf-16", "replace").splitlines() if line]
    if utf16 := unmarked_utf16(data[:512]):
        return [line for line in data.decode(utf16, "replace").splitlines() if line]
    out = []
    for raw in data.splitlines():
        if not raw:
            continue
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                out.append(raw.decode("gb18030"))
            except UnicodeDecodeError:
                out.append(raw.decode("utf-8", "backslashreplace"))
    return out


def _sheet_lines(path: Path, header: bool) -> list[str]:
    """The rows of a workbook's visible sheets, below each one's first row when `header`."""
    data = path.read_bytes()
    if data and not data.startswith((b"PK", OLE2)):  # text under a workbook's name: its lines
        return _text_lines(data)[1 if header else 0:]
    sheets = sheet_rows(path)
    if sheets is None:
        return []  # not a readable workbook: no rows can be told apart
    out = []
    for name, rows in sheets:
        for row in rows[1 if header else 0:]:
            cells = ["" if v is None else str(v) for v in row]
            out.append(json.dumps({"sheet": name, "cells": cells} if len(sheets) > 1 else cells,
                                  ensure_ascii=False))
    return out


def _json_lines(data: bytes, records_path: str) -> list[str]:
    try:
        page = decode_page(data)
    except ValueError:
        return []
    items = page_records(page, records_path)
    return [json.dumps(i, ensure_ascii=False) for i in items] if isinstance(items, list) else []


def _parquet_lines(path: Path) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        rows = pq.read_table(path).to_pylist()
    except (OSError, pa.ArrowInvalid):
        return []  # not a readable Parquet file: no rows can be told apart
    return [json.dumps(r, ensure_ascii=False, default=str) for r in rows]


def refused_rows(path: Path, name: str, fmt: str, err: LoadRejected,
                 records_path: str = "data") -> list[dict[str, Any]]:
    """One quarantine record per data row (numbered from 1 under the header) of the refused file
    at `path` (landed as `name`); sets `err.rows` to how many."""
    header = not (isinstance(err, SchemaDrift) and err.headerless)
    if isinstance(err, WrongFormat) and err.no_records:
        lines = []
    elif fmt == "xlsx":
        lines = _sheet_lines(path, header)
    elif fmt == "parquet":
        lines = _parquet_lines(path)
    elif fmt == "json":
        lines = _json_lines(path.read_bytes(), records_path)
    else:
        lines = _text_lines(path.read_bytes())
    if fmt == "csv" and header:
        lines = lines[1:]  # the header line
    rows = [{"source_file": name, "line": n, "column": None, "raw_value": None,
             "reason_code": err.reason_code, "reason": f"file refused whole: {err.message}",
             "record": json.dumps({"line": text}, ensure_ascii=False)}
            for n, text in enumerate(lines, start=1)]
    err.rows = len(rows)
    return rows
