"""Text encodings of feed files: which one a file is really in (UTF-8 or GB18030, the superset of
GBK), a streaming transcode to UTF-8 so DuckDB can read GBK files, and a record-by-record rewrite
for files no single codec reads. Decoding is strict: a record valid in neither encoding is left out
and reported with its byte offset, never read with a silent replacement character."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from feeds.errors import EncodingRejected

CHUNK = 8 << 20
# UTF-8 is judged on the first MiB; DuckDB's scan reports later invalid bytes (an INVALID ENCODING
# reject), and the reader then decodes that file record by record
SAMPLE = 1 << 20
# four CJK characters in a row as UTF-8 writes them (E4-E9 lead, two continuation bytes each):
# next to impossible in GBK text, so a GBK file holding such a run holds UTF-8 records too
UTF8_RUN = re.compile(rb"(?:[\xe4-\xe9][\x80-\xbf]{2}){4}")
_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030", "utf-8": "utf-8"}


def decodes(path: Path, encoding: str, limit: int | None = None) -> tuple[bool, int]:
    """Whether the file (or its first `limit` bytes, cut at a line end) decodes strictly; else the
    byte offset of the first bad sequence."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    chunks: Iterable[bytes]
    with path.open("rb") as f:
        if limit is not None:
            head = f.read(limit)
            if len(head) == limit and b"\n" in head:
                head = head[: head.rindex(b"\n") + 1]
            chunks = [head]
        else:
            chunks = iter(lambda: f.read(CHUNK), b"")
        for chunk in chunks:
            try:
                decoder.decode(chunk, final=False)
            except UnicodeDecodeError as e:
                return False, offset + e.start
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False, offset
    return True, -1


def utf8_run_at(path: Path) -> int:
    """The byte offset of the first run of UTF-8-encoded CJK text in `path` (see UTF8_RUN), or -1."""
    offset, tail = 0, b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            data = tail + chunk
            if found := UTF8_RUN.search(data):
                return offset - len(tail) + found.start()
            tail = data[-11:]  # a run cut by the chunk boundary is found in the next one
            offset += len(chunk)
    return -1


def unmarked_utf16(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when a file's first bytes (512 or so) are UTF-16 written without
    a byte-order mark: NUL in every other place for much of its ASCII (never in UTF-8 or GBK text)."""
    if len(head) < 8:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if max(odd, even) * 16 < len(head):
        return None
    return "utf-16-le" if odd >= even else "utf-16-be"


def detect_encoding(path: Path, declared: str = "auto") -> str:
    """'utf-8' or 'gb18030' for `path`, trying the declared encoding first.

    UTF-8 is judged on the first MiB (invalid bytes further on are reported by DuckDB's scan, and
    the file is then decoded record by record); GB18030 on the whole file, which must also hold no
    run of UTF-8 text (GB18030 reads most UTF-8 bytes, as the wrong characters). UTF-16 byte-order
    marks (the reader decodes such a file with `utf16_to_utf8`), a GB18030 file holding UTF-8 records
    and bytes valid in neither raise EncodingRejected naming the offset (all but UTF-16 are then
    decoded record by record).
    """
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        err = EncodingRejected(
            f"{path.name}: file is UTF-16 (byte-order mark {head[:2].hex()}), as Excel's 'Unicode text'"
            " writes"
        )
        err.utf16 = True
        raise err
    with path.open("rb") as f:
        sample = f.read(512)
    if unmarked_utf16(sample):
        err = EncodingRejected(
            f"{path.name}: UTF-16 without a byte-order mark (NUL bytes in every other place of its"
            " start), so its byte order is a guess; export it as 'CSV UTF-8', or as Excel's"
            " 'Unicode text' (with a mark)")
        err.whole = True
        raise err
    first = _ALIASES.get(declared, "utf-8")
    order = [first] + [e for e in ("utf-8", "gb18030") if e != first]
    offsets = {}
    mixed = -1
    for enc in order:
        ok, offset = decodes(path, enc, SAMPLE if enc == "utf-8" else None)
        if ok and enc == "gb18030" and (mixed := utf8_run_at(path)) >= 0:
            continue
        if ok:
            return enc
        offsets[enc] = offset
    if mixed >= 0:
        raise EncodingRejected(f"{path.name}: GBK text with UTF-8 text from byte {mixed} on")
    raise EncodingRejected(
        f"{path.name}: not valid UTF-8 (first bad byte at offset {offsets['utf-8']}) "
        f"nor GBK/GB18030 (offset {offsets['gb18030']}); declared encoding {declared!r}"
    )


def transcode_to_utf8(src: Path, dst: Path, encoding: str) -> Path:
    """Write `src` decoded from `encoding` as UTF-8 to `dst`, streaming in chunks."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        while chunk := fin.read(CHUNK):
            fout.write(decoder.decode(chunk, final=False))
        fout.write(decoder.decode(b"", final=True))
    return dst


def utf16_to_utf8(src: Path, dst: Path) -> Path:
    """Write a UTF-16 file with a byte-order mark (Excel's "Unicode text") as UTF-8 to `dst`,
    decoded strictly: a sequence UTF-16 cannot hold (a lone surrogate, an odd last byte) raises
    EncodingRejected naming the chunk it is in."""
    try:
        return transcode_to_utf8(src, dst, "utf-16")
    except UnicodeDecodeError as e:
        raise EncodingRejected(f"{src.name}: UTF-16 (byte-order mark) but not valid UTF-16 ({e.reason},"
                               f" in the {CHUNK >> 20} MiB from about byte {e.start:,} of its chunk)") from e


def utf16_delimiter(path: Path, declared: str) -> str:
    """The delimiter of a UTF-8 file transcoded from UTF-16: a tab when its first line splits into
    more fields by tabs than by `declared` (Excel's "Unicode text" is tab-separated), else `declared`."""
    with path.open(encoding="utf-8", newline="") as f:
        first = f.readline()
    return "\t" if first.count("\t") > first.count(declared) else declared


@dataclass(frozen=True)
class BadRecord:
    """A record of a CSV file that cannot be read as text: its data-record number (1 = the first
    row after the header), physical line, byte offset of the first bad byte, and why."""

    record: int
    line: int
    offset: int
    why: str
    raw: str  # the record's bytes, undecodable ones as \\x escapes


@dataclass(frozen=True)
class Rewritten:
    """What `rewrite_records` wrote: how many data records, lines per encoding, and the records it
    left out."""

    path: Path
    records: int
    encodings: dict[str, int]
    bad: list[BadRecord]

    def summary(self, name: str) -> str:
        """One sentence for the ledger on what was decoded how."""
        parts = [f"{n} line(s) {enc}" for enc, n in sorted(self.encodings.items())]
        return f"{name}: decoded record by record ({', '.join(parts) or 'no text'})"


def _decode(record: bytes) -> tuple[str | None, str, int]:
    """The record's text and encoding (ASCII text is 'ascii'); else None, why, and the offset of
    the bad byte within the record."""
    nul = record.find(b"\x00")
    if nul >= 0:
        return None, "a NUL byte", nul
    try:
        text = record.decode("utf-8")
        return text, "ascii" if text.isascii() else "utf-8", -1
    except UnicodeDecodeError as e:
        utf8_at = e.start
    try:
        return record.decode("gb18030"), "gb18030", -1
    except UnicodeDecodeError:
        bad = record[utf8_at:utf8_at + 4]
        return None, f"bytes valid neither as UTF-8 nor as GBK/GB18030 ({bad!r})", utf8_at


def _physical_lines(src: Path) -> Iterator[tuple[int, bytes]]:
    """(byte offset, line without its terminator) for each line of `src`, ends LF, CRLF or CR."""
    offset = 0
    rest = b""
    with src.open("rb") as f:
        while True:
            chunk = f.read(CHUNK)
            data = rest + chunk
            if not data:
                return
            if chunk:
                cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
                if cut < 0 or (data[cut] == 0x0D and cut == len(data) - 1):
                    rest = data  # a CR at the very end may be half of a CR LF
                    continue
                data, rest = data[: cut + 1], data[cut + 1:]
            else:
                rest = b""
            for line in data.splitlines(keepends=True):
                body = line.rstrip(b"\r\n")
                yield offset, body
                offset += len(line)
            if not chunk:
                return


def rewrite_records(src: Path, dst: Path, delimiter: str) -> Rewritten:
    """Write `src` as UTF-8 with LF line ends, each record decoded on its own (UTF-8 first, then
    GB18030) and prefixed with its record number as a first field `_line`. Records with NUL bytes
    or bytes valid in neither encoding are left out and returned as `bad`, with their byte offset.

    For files no single decoding reads: a UTF-8 BOM before GBK text, exports of both encodings
    concatenated, a few corrupted bytes, NULs, mixed line ends."""
    counts: dict[str, int] = {}
    bad: list[BadRecord] = []
    number = 0  # data records so far; the header is record 0
    pending: list[bytes] = []
    start = line_no = first_line = 0
    with dst.open("w", encoding="utf-8", newline="") as out:
        for offset, body in _physical_lines(src):
            line_no += 1
            if not pending:
                start, first_line = offset, line_no
                if offset == 0 and body.startswith(codecs.BOM_UTF8):
                    body = body[len(codecs.BOM_UTF8):]
                    start = len(codecs.BOM_UTF8)
            pending.append(body)
            if sum(p.count(b'"') for p in pending) % 2:
                continue  # a quoted field goes on to the next line
            record = b"\n".join(pending)
            pending = []
            if not record:
                continue  # blank lines hold no record
            text, enc, at = _decode(record)
            if number == 0:
                if text is None:
                    raise EncodingRejected(f"{src.name}: the header line holds {enc} at byte {start + at}")
                out.write(f"_line{delimiter}{text}\n")
            elif text is None:
                bad.append(BadRecord(number, first_line, start + at, enc,
                                     record.decode("utf-8", "backslashreplace")))
            else:
                out.write(f"{number}{delimiter}{text}\n")
            counts[enc] = counts.get(enc, 0) + 1
            number += 1
        if pending:  # a quote left open to the end: the reader refuses it; write it as it is
            text = b"\n".join(pending).decode("utf-8", "replace")
            out.write(f"{number}{delimiter}{text}\n")
    return Rewritten(dst, max(number - 1, 0), counts, bad)
