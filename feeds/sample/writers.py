"""Writes FeedFiles as the bytes real feeds arrive in: CSV in the declared encoding (CRLF for the
GBK exports of Windows systems), JSON collections for the HTTP server, with the file-level damage
(truncation, renamed headers, malformed rows) planted exactly. Returns where each row landed.

Owns byte layout only; Excel workbooks are `excel.py`'s job.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from feeds.sample.model import FeedFile, FeedRow
from foundation.sql import ident


class SampleWriteError(RuntimeError):
    """A sample file could not be written as declared (e.g. a value its encoding cannot carry)."""


def cell_text(value: Any) -> str:
    """How a cell value is spelled in a text feed."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"
    return str(value)


def _fields(row: FeedRow, original: list[str]) -> list[str]:
    fields = [cell_text(row.values.get(h)) for h in original]
    if row.extra_fields > 0:
        fields += ["备注"] * row.extra_fields
    elif row.extra_fields < 0:
        fields = fields[: row.extra_fields]
    return fields


def csv_bytes(feed: FeedFile) -> tuple[bytes, list[int]]:
    """The file's bytes and, per row, its 1-based data line."""
    newline = "\r\n" if feed.encoding in ("gbk", "gb18030") else "\n"
    original = [c.source_name for c in feed.contract.columns]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(feed.headers)
    lines = []
    for i, row in enumerate(feed.rows, start=1):
        writer.writerow(_fields(row, original))
        lines.append(i)
    text = buf.getvalue()
    if feed.truncate:
        text = _cut_last_row(text, newline)
    try:
        return text.encode(feed.encoding), lines
    except UnicodeEncodeError as e:
        raise SampleWriteError(
            f"{feed.dataset}/{feed.name}: {e.object[e.start : e.end]!r} cannot be written in {feed.encoding}"
        ) from None


def _cut_last_row(text: str, newline: str) -> str:
    body = text.removesuffix(newline)
    start = body.rfind(newline) + len(newline)
    last = body[start:]
    return body[: start + max(1, len(last) // 2)]


def write_csv(feed: FeedFile, path: Path) -> list[int]:
    """Write one CSV feed file; returns each row's data line."""
    data, lines = csv_bytes(feed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return lines


def write_json(feed: FeedFile, path: Path) -> list[int]:
    """Write an HTTP collection as one JSON array (the server pages it); line = 1-based index."""
    records = [{h: row.values.get(h) for h in feed.headers} for row in feed.rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    return list(range(1, len(records) + 1))


SQLITE_TYPES = {"integer": "INTEGER", "double": "REAL", "boolean": "INTEGER"}


def write_sqlite(feed: FeedFile, path: Path) -> list[int]:
    """Write a department table (the contract's `location`) into the SQLite database at `path`,
    replacing only that table, rows in order; line = the row's 1-based position."""
    table = feed.contract.source.location
    path.parent.mkdir(parents=True, exist_ok=True)
    kinds = [SQLITE_TYPES.get(c.type, "TEXT") for c in feed.contract.columns]
    cols = list(zip(feed.headers, kinds, strict=True))
    con = sqlite3.connect(path)
    with con:  # one transaction
        con.execute(f"DROP TABLE IF EXISTS {ident(table)}")
        con.execute(f"CREATE TABLE {ident(table)} ("
                    + ", ".join(f"{ident(h)} {kind}" for h, kind in cols) + ")")
        marks = ", ".join("?" for _ in cols)
        con.executemany(f"INSERT INTO {ident(table)} VALUES ({marks})",
                        [[row.values.get(h) for h in feed.headers] for row in feed.rows])
    con.close()
    return list(range(1, len(feed.rows) + 1))


def write_parquet(rows: list[dict[str, Any]], schema: pa.Schema, path: Path) -> None:
    """Write dict rows as Parquet with `schema`, column by column (no pandas round trip)."""
    columns = [pa.array([r[f.name] for r in rows], type=f.type) for f in schema]
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_arrays(columns, schema=schema), path)
