"""Readers turn each of a load's landed files into a relation of text columns named as the feed
names them (the contract's `source` names), rows in file order; Excel, JSON and Parquet rows also
carry `_line` (the sheet row, or the record's place in its page), CSV lines are counted by the stager.
They check structure, not values: a missing, renamed or (by the contract) extra column, a
truncated file, an unclosed quote or a UTF-16 file refuse that file; a row with the wrong number of
fields, undecodable bytes or a formula without a value is reported for quarantine. Typing
is the stager's job."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from contracts.contract import Contract
from feeds.encoding import detect_encoding, rewrite_records, transcode_to_utf8, utf16_delimiter, utf16_to_utf8
from feeds.errors import (
    EmptyInput,
    EncodingRejected,
    LoadRejected,
    MalformedFile,
    SchemaDrift,
    TruncatedFile,
    WrongFormat,
)
from feeds.records import RecordScan, long_line_at, scan_of
from feeds.refused import refused_rows
from feeds.sniff import foreign_content
from feeds.workbooks import Uncached, cell_text, open_workbook
from foundation.duck import one_row
from foundation.sql import ident, literal
from foundation.sql import path as sql_path
from sources.base import JsonSource
from sources.file import FileSource
from sources.pages import decode_page, error_answer, page_records
from warehouse.publish import published_columns


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
    # CSV files by index: what their bytes hold, counted apart from the reader
    scans: dict[int, RecordScan] = field(default_factory=dict)
    # by file index, the quarantine records of rows the reader left out (undecodable CSV records,
    # formula cells without a value); DuckDB's rejects are added by csv_rejects()
    skipped: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # files whose relation carries `_line` (workbooks, JSON pages, rewritten CSV)
    numbered: set[int] = field(default_factory=set)
    # what was read differently from the contract (extra columns ignored or kept, mixed encodings)
    drift: list[str] = field(default_factory=list)
    # by file index, the columns the contract does not declare that it keeps (on_extra_columns: keep)
    kept: dict[int, list[str]] = field(default_factory=dict)
    delimiter: str = ","
    # by file index, where a file is split by another delimiter than the contract's (UTF-16 text)
    delimiters: dict[int, str] = field(default_factory=dict)
    # one quarantine record per data row of the refused files
    refused_rows: list[dict[str, Any]] = field(default_factory=list)

    def skip(self, idx: int, record: dict[str, Any]) -> None:
        """Report a row of file `idx` that the reader left out, as a quarantine record."""
        self.skipped.setdefault(idx, []).append(record)

    def note_extra(self, idx: int, name: str, extra: list[str], mode: str) -> None:
        """Record that file `idx` (`name`) names the columns `extra`, not in the contract, which
        the contract's `on_extra_columns` (`mode`) ignores or keeps."""
        if not extra:
            return
        shown = ", ".join(extra[:10]) + (f" and {len(extra) - 10:,} more" if len(extra) > 10 else "")
        if mode == "keep":
            self.kept[idx] = extra
            self.drift.append(f"{name}: column(s) {shown} not in the contract, kept: published as text"
                              " at grade L4 and not shareable until the contract declares them"
                              " (on_extra_columns: keep)")
        else:
            self.drift.append(f"{name}: column(s) {shown} not in the contract, ignored"
                              " (on_extra_columns: ignore)")

    def kept_names(self) -> list[str]:
        """The undeclared columns kept from any file of the load, in the order first seen."""
        return list(dict.fromkeys(n for idx in sorted(self.kept) for n in self.kept[idx]))

    def refuse(self, path: Path, err: LoadRejected, contract: Contract) -> None:
        """Refuse the file at `path` whole, its rows counted and quarantined with `err`."""
        self.rejected.append((path.name, err))
        records_path = contract.source.records_path if isinstance(contract.source, JsonSource) else ""
        self.refused_rows += refused_rows(path, path.name, contract.source.format, err, records_path)


def _delimiter(contract: Contract) -> str:
    """The field delimiter of the contract's files ("," for sources that are not files)."""
    return contract.source.delimiter if isinstance(contract.source, FileSource) else ","


_VALUE = re.compile(r"\d{3}|\d[-/.:]\d|^-?\d+(?:\.\d+)?$")  # an id, phone, date, time or number


_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))  # BOM, zero-width marks


def _fold(name: str) -> str:
    """A header name as compared: NFKC (full-width letters, digits and brackets as ASCII), no
    space or invisible mark anywhere."""
    return "".join(unicodedata.normalize("NFKC", name.translate(_INVISIBLE)).split())


def header_names(contract: Contract, found: Iterable[object]) -> list[str]:
    """A header's names as the contract spells them: each cell trimmed and rid of byte-order and
    zero-width marks, and a name that differs from a contract source name only in width or spaces
    (`注册资本(万元)` for `注册资本（万元）`, `事件 编号`, a BOM pasted inside) replaced by it."""
    canonical = {_fold(c.source_name): c.source_name for c in contract.columns}
    out = []
    for cell in found:
        name = "" if cell is None else str(cell).translate(_INVISIBLE).strip()
        out.append(canonical.get(_fold(name), name))
    return out


def reads_as_data(fields: Iterable[object], wanted: set[str]) -> bool:
    """Whether a first line that names none of the contract's columns is a data row (a dump
    written without its header): two or more fields and most of them values (numbers, ids,
    dates), which column names and titles are not."""
    texts = [str(v).strip() for v in fields if v is not None and str(v).strip()]
    if len(texts) < 2 or wanted & set(texts):
        return False
    return 2 * sum(1 for t in texts if _VALUE.search(t)) >= len(texts)


def check_header(contract: Contract, found: Iterable[str], file: str) -> list[str]:
    """Check that the header names the contract's source columns (in any order); return the extra
    columns it names that the contract lets pass (`on_extra_columns: ignore` or `keep`), else
    reject."""
    expected = {c.source_name for c in contract.columns}
    got = [h.strip().lstrip("\ufeff") for h in found if h is not None and str(h).strip() != ""]
    missing = sorted(expected - set(got))
    unexpected = [u for u in dict.fromkeys(got) if u not in expected]
    refuse_extra = unexpected and contract.extra_columns == "refuse"
    if missing or refuse_extra:
        parts = []
        for m in missing:
            col = next(c.name for c in contract.columns if c.source_name == m)
            parts.append(f"column {m!r} ({col}) is missing")
        if refuse_extra:
            shown = ", ".join(repr(u) for u in unexpected[:10])
            more = f" and {len(unexpected) - 10:,} more" if len(unexpected) > 10 else ""
            parts.append(f"unexpected column(s) {shown}{more} ({contract.sharing.value} data refuses"
                         " columns the contract does not declare: on_extra_columns: refuse)")
        hint = ""
        if missing and len(got) == 1 and _delimiter(contract) not in got[0]:
            hint = "; the header is one field: is the file separated by another delimiter?"
        headerless = reads_as_data(got, expected)
        if headerless:
            hint = ("; the first line reads as a data row, not a header: the file has no header"
                    " line (export it with the column names on the first line)")
        err = SchemaDrift(f"{file}: header does not match contract {contract.id} v{contract.version}: "
                          + "; ".join(parts) + hint)
        err.headerless = headerless
        raise err
    dupes = sorted({h for h in got if got.count(h) > 1})
    if dupes:
        raise SchemaDrift(f"{file}: column(s) {', '.join(dupes)} appear more than once in the header")
    reserved = set(published_columns(contract)) if contract.extra_columns == "keep" else set()
    clash = [u for u in unexpected if reserved and (u in reserved or u.startswith("_"))]
    if clash:
        raise SchemaDrift(f"{file}: undeclared column(s) {', '.join(map(repr, clash[:10]))} cannot be kept"
                          " (on_extra_columns: keep) under a name the published dataset uses already"
                          " or reserves (a leading _); declare them in the contract")
    return unexpected


@dataclass(frozen=True)
class CsvHeader:
    """A CSV file's header record, and the title lines above it (hand-kept sheets saved as CSV
    put a title such as `XX街道网格事件台账` on top): how many physical lines, how many of them
    non-blank records, and their text."""

    names: list[str]
    skip_lines: int = 0
    title_records: int = 0
    titles: tuple[str, ...] = ()


TITLE_LINES = 10  # how far down a header under title lines is looked for


def csv_header(contract: Contract, path: Path, delimiter: str, numbered: bool = False,
               encoding: str = "utf-8") -> CsvHeader:
    """The header of a CSV file (UTF-8 unless told): its first record, or, when that does not
    name the contract's columns, the first of the next TITLE_LINES records that names every one
    of them (never in a file rewritten record by record, whose records carry their number first)."""
    wanted = {c.source_name for c in contract.columns}
    text_encoding = "utf-8-sig" if encoding == "utf-8" else encoding  # a BOM before a quoted header
    with path.open(encoding=text_encoding, newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        first = header_names(contract, next(reader, []))[1 if numbered else 0:]
        if numbered or wanted <= set(first):
            return CsvHeader(first)
        titles, lines = [first], reader.line_num
        for record in itertools.islice(reader, TITLE_LINES):
            names = header_names(contract, record)
            if wanted <= set(names):
                shown = (delimiter.join(t).strip(delimiter + " ") for t in titles)
                return CsvHeader(names, lines, sum(1 for t in titles if t), tuple(t for t in shown if t))
            titles.append(record)
            lines = reader.line_num
    return CsvHeader(first)


def _open_quote(path: Path, scan: RecordScan) -> LoadRejected:
    """Why a file whose last quote is never closed is refused: cut inside a quoted field (nothing
    after the quote but the rest of that record) or a stray quote joining the lines after it."""
    err: LoadRejected
    where = f"the quote at byte {scan.open_quote_at} (line {scan.open_quote_line}) is never closed"
    if scan.lines + 1 > scan.open_quote_line:
        err = MalformedFile(
            f"{path.name}: {where}, so a CSV reader joins the {scan.lines + 1 - scan.open_quote_line:,}"
            f" line(s) after it into one field and every row after it would be shifted")
    else:
        err = TruncatedFile(f"{path.name}: file ends inside a quoted field ({where}); the export was cut off")
    return err


def _last_record_short(path: Path, scan: RecordScan, header: list[str], delimiter: str) -> bool:
    """Whether the unterminated last record has fewer fields than the header (cut off)."""
    with path.open("rb") as f:
        f.seek(scan.last_record_at)
        tail = f.read().decode("utf-8", "replace")
    fields = next(csv.reader(io.StringIO(tail), delimiter=delimiter), [])
    return 0 < len(fields) < len(header) and scan.records > 0


# DuckDB refuses a line longer than its max_line_size (2 MiB by default) and, keeping the line as
# a reject, may cut it inside a character and fail the whole scan. A larger max_line_size costs
# buffers of 16 times its size, so it is raised only for a file with a line near the default:
# lines up to LONG_LINE bytes are read, a file with a longer line is refused before DuckDB reads it
DEFAULT_LINE = 1 << 20  # half DuckDB's default: any line past the default holds such a stretch
LONG_LINE = 8 << 20
MAX_LINE_SIZE = 2 * LONG_LINE


def long_lines(path: Path, name: str) -> bool:
    """Whether the file at `path` holds a line near DuckDB's default limit; refuse it when it holds
    one longer than LONG_LINE (see there)."""
    if path.stat().st_size < 2 * DEFAULT_LINE or long_line_at(path, DEFAULT_LINE) < 0:
        return False
    at = long_line_at(path, LONG_LINE)
    if at >= 0:
        raise MalformedFile(f"{name}: bytes {at:,} to {at + LONG_LINE:,} hold no line end: a line longer"
                            f" than {LONG_LINE >> 20} MiB is no CSV record (binary data, or a whole"
                            " document in one field?)")
    return True


def _line_options(path: Path, name: str) -> str:
    """read_csv options for the longest lines of the file at `path` ('' for DuckDB's defaults)."""
    if not long_lines(path, name):
        return ""
    return f" max_line_size={MAX_LINE_SIZE}, buffer_size={2 * MAX_LINE_SIZE},"


def check_csv_file(path: Path) -> None:
    """Refuse a CSV file that is empty or something else by its first bytes (a web page, an
    archive): what both stagers refuse before reading a file."""
    if path.stat().st_size == 0:
        raise EmptyInput(f"{path.name}: file is empty (0 bytes); expected a header and rows")
    if foreign := foreign_content(path, "CSV text"):
        raise foreign


def _csv_select(contract: Contract, idx: int, path: Path, workdir: Path, batch: RawBatch,
                by_record: bool = False) -> str:
    """SQL reading one CSV file: as it is when DuckDB can read it whole (UTF-8, one style of line
    end, no NUL), transcoded to UTF-8 when it is GBK, else (or when `by_record`) rewritten record
    by record (see `rewrite_records`) with each record's number as `_line`."""
    name, delimiter = path.name, contract.source_of(FileSource).delimiter
    check_csv_file(path)
    try:
        encoding: str | None = detect_encoding(path, contract.source_of(FileSource).encoding)
    except EncodingRejected as e:
        if e.whole:
            raise
        encoding = None
        if e.utf16:  # exact and lossless: decoded whole, then read as the UTF-8 file it holds
            path, encoding = utf16_to_utf8(path, workdir / f"{idx:05d}.utf16.csv"), "utf-8"
            delimiter = utf16_delimiter(path, delimiter)
            batch.encodings.add("utf-16")
            batch.drift.append(f"{name}: UTF-16 (Excel 'Unicode text'), decoded exactly"
                               + (", tab-separated" if delimiter == "\t" else ""))
    batch.delimiters[idx] = delimiter
    scan = scan_of(path)
    batch.scans[idx] = scan
    if scan.open_quote_at >= 0:
        raise _open_quote(path, scan)
    readable, numbered = path, by_record or encoding is None or scan.nul_at >= 0 or scan.mixed_line_ends
    if numbered:
        rewritten = rewrite_records(path, workdir / f"{idx:05d}.records.csv", delimiter)
        readable = rewritten.path
        for bad in rewritten.bad:
            batch.skip(idx, {"source_file": name, "line": bad.record, "column": None, "raw_value": bad.raw,
                             "reason_code": "malformed_row",
                             "reason": f"line {bad.line} holds {bad.why} at byte {bad.offset}",
                             "record": json.dumps({"line": bad.raw}, ensure_ascii=False)})
        batch.encodings.update(e for e in rewritten.encodings if e != "ascii")
        if encoding is None or by_record:
            batch.drift.append(rewritten.summary(name))
    elif encoding is not None and encoding != "utf-8":
        readable = transcode_to_utf8(path, workdir / f"{idx:05d}.utf8.csv", encoding)
    if encoding:
        batch.encodings.add(encoding)
    line_options = _line_options(readable, name)
    found = csv_header(contract, readable, delimiter, numbered)
    header = found.names
    if found.skip_lines:
        scan = batch.scans[idx] = replace(scan, records=scan.records - found.title_records)
        batch.drift.append(f"{name}: {found.skip_lines} line(s) above the header skipped"
                           f" ({'; '.join(found.titles)[:200] or 'blank'})")
    if scan.unterminated and _last_record_short(path, scan, header, delimiter):
        raise TruncatedFile(f"{name}: the last row (at byte {scan.last_record_at}) has fewer fields than"
                            f" the header's {len(header)} and no line end: the export was cut off")
    batch.note_extra(idx, name, check_header(contract, header, name), contract.extra_columns)
    unnamed = [str(i + 1) for i, h in enumerate(header) if not h]
    if unnamed:
        batch.drift.append(f"{name}: column(s) without a header name at position(s)"
                           f" {', '.join(unnamed[:10])} ignored (a trailing delimiter writes one)")
    batch.csv_files[idx] = name
    names = [h or f"_unnamed_{i + 1}" for i, h in enumerate(header)]
    if numbered:
        names = ["_line", *names]
        batch.numbered.add(idx)
    cols = ", ".join(ident(n) for n in [c.source_name for c in contract.columns] + batch.kept.get(idx, []))
    if numbered:
        cols = "CAST(_line AS BIGINT) AS _line, " + cols
    # the header is known and checked: naming its columns lets DuckDB skip sniffing the file
    columns = "{" + ", ".join(f"{literal(h)}: 'VARCHAR'" for h in names) + "}"
    return (
        f"SELECT {cols} FROM read_csv({literal(str(readable))}, header=true, auto_detect=false,"
        f" columns={columns}, delim={literal(delimiter)}, quote='\"', escape='\"',"
        f" skip={found.skip_lines},{line_options} store_rejects=true, ignore_errors=true,"
        f" rejects_scan='rejects_scan_{idx}',"
        f" rejects_table='rejects_errors_{idx}')"
    )


def undecoded_files(con: duckdb.DuckDBPyConnection, batch: RawBatch) -> list[int]:
    """The CSV files read whole as UTF-8 in which DuckDB's scan (run already) found bytes that
    are not UTF-8 past the first MiB detect_encoding judged: a GBK part further on."""
    found = []
    for idx in sorted(set(batch.csv_files) - batch.numbered):
        try:
            bad = one_row(con, f"SELECT count(*) FROM rejects_errors_{idx}"
                               " WHERE error_type = 'INVALID ENCODING'")[0]
        except duckdb.CatalogException:
            continue  # nothing was rejected, so DuckDB created no table
        if bad:
            found.append(idx)
    return found


def reread_by_record(con: duckdb.DuckDBPyConnection, contract: Contract, idx: int, path: Path,
                     workdir: Path, batch: RawBatch) -> str:
    """SQL reading CSV file `idx` again, decoded record by record, after `undecoded_files` found
    it holds more than UTF-8; what the first read reported of it is forgotten."""
    for table in (f"rejects_errors_{idx}", f"rejects_scan_{idx}"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    batch.skipped.pop(idx, None)
    batch.kept.pop(idx, None)
    batch.drift = [d for d in batch.drift if not d.startswith(f"{path.name}: ")]
    select = _csv_select(contract, idx, path, workdir, batch, by_record=True)
    batch.sources = [(i, n, select if i == idx else s) for i, n, s in batch.sources]
    return select


def _record_number(csv_line: str, delimiter: str) -> int | None:
    head = csv_line.split(delimiter, 1)[0]
    return int(head) if head.isdigit() else None


def csv_rejects(con: duckdb.DuckDBPyConnection, batch: RawBatch) -> dict[int, list[dict[str, Any]]]:
    """Per file, the rows the reader left out: those `batch.skipped` holds and those DuckDB could
    not split into the header's fields (known after the relation was scanned). `line` is the
    row's number in its file."""
    out = {idx: list(rows) for idx, rows in batch.skipped.items()}
    for idx, name in batch.csv_files.items():
        found = out.setdefault(idx, [])
        try:
            rows = con.execute(
                f"SELECT line, min(byte_position), min(error_message), any_value(csv_line)"
                f" FROM rejects_errors_{idx} GROUP BY line ORDER BY line"
            ).fetchall()
        except duckdb.CatalogException:
            continue  # nothing was rejected, so DuckDB created no table
        numbered = idx in batch.numbered
        for line, byte, message, csv_line in rows:
            number = int(line) - 1
            at = f" at byte {byte}" if byte is not None else ""
            if numbered:  # the rewritten file's first field is the record's number in the original
                number = _record_number(csv_line or "", batch.delimiters.get(idx, batch.delimiter)) or number
                at = ""
            found.append({"source_file": name, "line": number, "column": None,
                          "raw_value": csv_line, "reason_code": "malformed_row",
                          "reason": f"row does not have the header's fields{at}: {message}",
                          "record": json.dumps({"line": csv_line}, ensure_ascii=False)})
    return out


Sheet = tuple[str, list[list[Any]], int]  # (worksheet name, its rows, index of its header row)


def _data_sheets(contract: Contract, path: Path) -> list[Sheet]:
    """The worksheets holding the feed: the sheet the contract names, else every visible sheet whose
    header names the contract's columns (a workbook may open with a cover or instructions sheet, and
    split its rows into a sheet per month or community); hidden sheets (templates, lookup lists)
    only when no visible sheet has the header."""
    book = open_workbook(path)
    wanted = contract.source_of(FileSource).sheet
    if wanted and wanted not in book.names:
        raise SchemaDrift(f"{path.name}: no worksheet {wanted!r} (it has {', '.join(book.names)})")
    first: SchemaDrift | None = None
    hidden = [n for n in book.names if n in book.hidden]
    for names in [[wanted]] if wanted else [book.visible, hidden]:
        found = []
        for name in names:
            rows = book.rows(name)
            try:
                found.append((name, rows, _find_header(contract, rows, f"{path.name} sheet {name!r}")))
            except SchemaDrift as e:
                first = first or e
        if found:
            return found
    if first is None:
        raise SchemaDrift(f"{path.name}: the workbook has no worksheet")
    raise first


def _find_header(contract: Contract, rows: list[list[Any]], file: str) -> int:
    """Index of the row holding the column headers (below any title and merged group rows)."""
    wanted = {c.source_name for c in contract.columns}
    best, best_hits = -1, 0
    for i, row in enumerate(rows[:30]):
        hits = len(wanted & set(header_names(contract, row)))
        if hits > best_hits:
            best, best_hits = i, hits
    if best < 0 or best_hits < max(1, len(wanted) // 2):
        first = next((r for r in rows if any(v is not None for v in r)), [])
        headerless = best < 0 and reads_as_data(first, wanted)
        err = SchemaDrift(f"{file}: no header row naming the contract's columns in the first 30 rows "
                          f"(expected {', '.join(sorted(wanted))})"
                          + ("; the first row reads as a data row: the sheet has no header row"
                             if headerless else ""))
        err.headerless = headerless
        raise err
    return best


Record = tuple[int, list[str | None]]  # (line in the file or sheet, values in contract order)


def _arrow_batch(names: list[str], records: list[Record]) -> pa.Table:
    """One file's records as a table of `_line` and the source columns (VARCHAR)."""
    schema = pa.schema([("_line", pa.int64())] + [(n, pa.string()) for n in names])
    cols: list[list[Any]] = [[line for line, _ in records]]
    cols += [[values[i] for _, values in records] for i in range(len(names))]
    return pa.table(cols, schema=schema)


def _xlsx_records(contract: Contract, idx: int, path: Path, batch: RawBatch) -> list[Record]:
    """Rows of one hand-filled workbook, sheet after sheet (see `_data_sheets`): header found under
    title/merged rows, blank lines skipped, rows with a formula saved without its value reported for
    quarantine. A row's line is its sheet row, counted on from the rows of the sheets before it."""
    sheets = _data_sheets(contract, path)
    records: list[Record] = []
    offset, spans = 0, []
    for sheet, rows, h in sheets:
        header = header_names(contract, rows[h])
        extra = check_header(contract, header, f"{path.name} sheet {sheet!r}")
        if idx not in batch.kept:
            batch.note_extra(idx, path.name, extra, contract.extra_columns)
        records += _sheet_records(contract, idx, path, batch, rows, h, header, offset)
        spans.append(f"{sheet!r} as lines {offset + 1}-{offset + len(rows)}")
        offset += len(rows)
    if len(sheets) > 1:
        batch.drift.append(f"{path.name}: {len(sheets)} worksheets read ({', '.join(spans)})")
    return records


def _sheet_records(contract: Contract, idx: int, path: Path, batch: RawBatch, rows: list[list[Any]],
                   h: int, header: list[str], offset: int) -> list[Record]:
    """The data rows under header row `h` of one worksheet, their lines `offset` on."""
    names = [c.source_name for c in contract.columns] + batch.kept.get(idx, [])
    pos = {name: header.index(name) if name in header else len(header) for name in names}
    records, blank = [], 0
    for i, row in enumerate(rows[h + 1:], start=offset + h + 2):
        cells = [row[pos[n]] if pos[n] < len(row) else None for n in names]
        uncached = [(n, v) for n, v in zip(names, cells, strict=True) if isinstance(v, Uncached)]
        if uncached:
            batch.skip(idx, {"source_file": path.name, "line": i, "column": uncached[0][0],
                             "raw_value": uncached[0][1].formula, "reason_code": "formula_uncached",
                             "reason": "; ".join(f"{n}: the formula {v.formula} was saved without its"
                                                 f" value (open and save the workbook in Excel or WPS)"
                                                 for n, v in uncached),
                             "record": json.dumps([str(v) for v in row], ensure_ascii=False)})
            continue
        texts = [cell_text(v) for v in row]
        if all(t is None for t in texts):
            blank += 1
            continue
        records.append((i, [cell_text(v) for v in cells]))
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


def _json_records(contract: Contract, idx: int, path: Path, batch: RawBatch) -> list[Record]:
    """The records under `records_path` of one JSON page (see `sources.pages`); an error answer
    (a status and no records) is refused as `rejected:format`, another shape as schema drift."""
    if foreign := foreign_content(path, "JSON"):
        raise foreign
    try:
        page = decode_page(path.read_bytes())
    except ValueError as e:
        raise TruncatedFile(f"{path.name}: not complete JSON ({e})") from e
    records_path = contract.source_of(JsonSource).records_path
    items = page_records(page, records_path)
    if not isinstance(items, list):
        if status := error_answer(page):
            err = WrongFormat(f"{path.name}: the API answered {status} with no list of records under"
                              f" {records_path!r}: an error answer, not a page of records")
            err.no_records = True
            raise err
        raise SchemaDrift(f"{path.name}: no list of records under {records_path!r}")
    if items:
        keys = dict.fromkeys(k for item in items if isinstance(item, dict) for k in item)
        extra = check_header(contract, list(keys), path.name)
        batch.note_extra(idx, path.name, extra, contract.extra_columns)
    names = [c.source_name for c in contract.columns] + batch.kept.get(idx, [])
    records: list[Record] = []
    for i, item in enumerate(items, start=1):
        if isinstance(item, dict):
            records.append((i, [_json_text(item.get(n)) for n in names]))
            continue
        raw = _json_text(item)
        batch.skip(idx, {"source_file": path.name, "line": i, "column": None, "raw_value": raw,
                         "reason_code": "malformed_row",
                         "reason": f"record {i} under {records_path!r} is not a JSON object",
                         "record": json.dumps({"record": raw}, ensure_ascii=False)})
    return records


def _parquet_select(contract: Contract, idx: int, path: Path, batch: RawBatch) -> str:
    """One landed Parquet batch (a database's rows) as text columns with `_line` (its row number):
    typed values become the text the stager types again, so a database's types come through."""
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except (OSError, pa.ArrowInvalid) as e:
        raise TruncatedFile(f"{path.name}: not a complete Parquet file ({e})") from e
    batch.note_extra(idx, path.name, check_header(contract, names, path.name), contract.extra_columns)
    cols = ", ".join(f"CAST({ident(n)} AS VARCHAR) AS {ident(n)}"
                     for n in [c.source_name for c in contract.columns] + batch.kept.get(idx, []))
    return (f"SELECT file_row_number + 1 AS _line, {cols} "
            f"FROM read_parquet({sql_path(path)}, file_row_number = true)")


def register_raw(con: duckdb.DuckDBPyConnection, contract: Contract, files: list[Path],
                 workdir: Path) -> RawBatch:
    """Read a load's files by the contract's format: one relation per file in `batch.sources`
    (Excel and JSON rows are registered on `con` as Arrow tables `raw_<index>`).

    A file refused whole is listed in `batch.rejected`, its rows in `batch.refused_rows`, and the
    others load."""
    if not files:
        raise EmptyInput(f"{contract.id}: the load has no files")
    fmt = contract.source.format
    batch = RawBatch(delimiter=_delimiter(contract))
    for idx, path in enumerate(files):
        try:
            if fmt == "csv":
                batch.sources.append((idx, path.name, _csv_select(contract, idx, path, workdir, batch)))
                continue
            if fmt == "parquet":
                batch.sources.append((idx, path.name, _parquet_select(contract, idx, path, batch)))
                batch.numbered.add(idx)
                continue
            records = (_xlsx_records(contract, idx, path, batch) if fmt == "xlsx"
                       else _json_records(contract, idx, path, batch))
        except LoadRejected as e:
            batch.refuse(path, e, contract)
            continue
        names = [c.source_name for c in contract.columns] + batch.kept.get(idx, [])
        con.register(f"raw_{idx}", _arrow_batch(names, records))
        batch.sources.append((idx, path.name, f"SELECT * FROM raw_{idx}"))
        batch.numbered.add(idx)
    return batch
