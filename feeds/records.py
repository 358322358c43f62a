"""What the bytes of a CSV file hold, counted independently of any CSV reader: its records (line
ends outside double quotes), its physical lines, the line-end styles it mixes, NUL bytes, and
whether it ends inside a quoted field. The stager checks the reader's row count against these
counts, so a reader that silently joins or drops lines cannot make the ledger balance on lost rows.

The scan works on the raw bytes in either encoding a feed may use: in UTF-8 and in GBK/GB18030
the bytes of `"`, CR and LF never occur inside a multi-byte character.

Landing counts a CSV file while it copies it (`RecordScanner` fed by the copy) and keeps the
counts beside the landed file (`keep_scan`); the stager reads them back (`scan_of`) instead of
reading the bytes once more, and scans the file itself when there are none for its size."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from foundation.files import atomic_write_text

CHUNK = 64 << 20
QUOTE, LF, CR, NUL = 0x22, 0x0A, 0x0D, 0x00


@dataclass(frozen=True)
class RecordScan:
    """Counts of one CSV file's bytes. `records` and `lines` exclude the header and blank lines."""

    size: int
    records: int  # data records: line ends outside quotes, plus an unterminated last record
    lines: int  # data lines as a text editor shows them, quotes ignored
    line_ends: frozenset[str]  # the styles used: "lf", "crlf", "cr"
    nul_at: int  # byte offset of the first NUL, -1 if none
    open_quote_at: int  # byte offset of the quote left open at the end of the file, -1 if none
    open_quote_line: int  # its physical line (1 = the header), 0 if none
    unterminated: bool  # the last record has no line end after it
    last_record_at: int  # byte offset where the last record starts

    @property
    def mixed_line_ends(self) -> bool:
        return len(self.line_ends) > 1


def _plain_lines(chunk: bytes | bytearray, after_line_end: bool) -> tuple[int, str] | None:
    """(line ends, their style) for a chunk that bytes methods can count alone: no quote, NUL or
    blank line, only LF or only CRLF line ends, not starting a blank line nor ending between CR
    and LF. None for any other chunk, which the vectorized pass counts."""
    if b'"' in chunk or b"\x00" in chunk or chunk.startswith(b"\n") or chunk.endswith(b"\r"):
        return None
    if after_line_end and chunk.startswith(b"\r\n"):
        return None
    lf = chunk.count(b"\n")
    if b"\r" not in chunk:  # memchr: far cheaper than counting
        return None if b"\n\n" in chunk else (lf, "lf")
    if chunk.count(b"\r") == lf == chunk.count(b"\r\n") and b"\n\r\n" not in chunk:
        return lf, "crlf"
    return None


class RecordScanner:
    """The record scan fed one chunk of a file's bytes at a time, in order (`feed`), so a pass that
    reads the bytes for another purpose (landing copies and hashes them) counts them too."""

    def __init__(self) -> None:
        self.parity = 0  # quotes seen so far, mod 2
        self.last_end = -1  # offset of the last physical line end
        self.last_record_end = -1  # offset of the last record end (outside quotes)
        self.nonblank_records = self.nonblank_lines = 0
        self.styles: set[str] = set()
        self.nul_at = self.last_quote = -1
        self.prev_byte = -1
        self.start = 0  # offset of the next chunk

    def feed(self, chunk: bytes | bytearray, next_byte: bytes | bytearray) -> None:
        """Count the chunk that follows those fed before; `next_byte` is the first byte after it
        (empty at the end of the file), to see a CR LF pair split between chunks."""
        if not chunk:
            return
        start = self.start
        plain = _plain_lines(chunk, start - 1 == self.last_end)
        if plain:  # the usual chunk: no quote, NUL or blank line, one style of line end
            count, style = plain
            self.nonblank_lines += count
            if self.parity == 0:
                self.nonblank_records += count
            if count:
                self.styles.add(style)
                self.last_end = start + chunk.rfind(b"\n")
                if self.parity == 0:
                    self.last_record_end = self.last_end
        else:
            self._vectorized(np.frombuffer(chunk, dtype=np.uint8), next_byte[:1] == b"\n")
        self.prev_byte = chunk[-1]
        self.start += len(chunk)

    def _vectorized(self, a: np.ndarray, lf_next: bool) -> None:
        start = self.start
        if self.nul_at < 0:
            nuls = np.flatnonzero(a == NUL)
            self.nul_at = start + int(nuls[0]) if nuls.size else -1
        lf = a == LF
        cr = a == CR
        next_lf = np.zeros_like(cr)
        next_lf[:-1] = lf[1:]
        next_lf[-1] = lf_next
        positions = np.flatnonzero(lf | (cr & ~next_lf))
        quotes = a == QUOTE
        if quotes.any():
            cum = np.cumsum(quotes, dtype=np.uint8)  # wraps at 256, an even number: parity holds
            outside = ((cum[positions] + self.parity) & 1) == 0
            self.last_quote = start + int(np.flatnonzero(quotes)[-1])
            self.parity = int((cum[-1] + self.parity) & 1)
        else:
            outside = np.full(positions.size, self.parity == 0)
        if not positions.size:
            return
        glob = positions + start
        prev = np.empty_like(glob)
        prev[0] = self.last_end
        prev[1:] = glob[:-1]
        before = np.where(positions > 0, a[np.maximum(positions - 1, 0)], self.prev_byte)
        crlf = lf[positions] & (before == CR)
        blank = (glob - prev - 1 - crlf) == 0
        self.nonblank_lines += int(np.count_nonzero(~blank))
        self.nonblank_records += int(np.count_nonzero(~blank & outside))
        hits = {"crlf": crlf.any(), "lf": (lf[positions] & ~crlf).any(), "cr": cr[positions].any()}
        self.styles.update(style for style, hit in hits.items() if hit)
        self.last_end = int(glob[-1])
        if outside.any():
            self.last_record_end = int(glob[np.flatnonzero(outside)[-1]])

    def result(self, path: Path) -> RecordScan:
        """The counts of the whole file, once every chunk is fed; `path` holds the same bytes (read
        again only to place a quote left open)."""
        size = self.start
        if size == 0:
            return RecordScan(0, 0, 0, frozenset(), -1, -1, 0, False, 0)
        parity, last_end, last_record_end = self.parity, self.last_end, self.last_record_end
        unterminated = last_end < size - 1 or (parity == 1 and last_record_end < size - 1)
        tail_line = 1 if last_end < size - 1 else 0
        tail_record = 1 if last_record_end < size - 1 else 0
        open_line = 0
        if parity:
            with path.open("rb") as f:
                open_line = f.read(self.last_quote).count(b"\n") + 1
        return RecordScan(
            size=size, records=max(self.nonblank_records + tail_record - 1, 0),
            lines=max(self.nonblank_lines + tail_line - 1, 0), line_ends=frozenset(self.styles),
            nul_at=self.nul_at, open_quote_at=self.last_quote if parity else -1,
            open_quote_line=open_line, unterminated=unterminated, last_record_at=last_record_end + 1)


def scan_csv(path: Path) -> RecordScan:
    """Count the records and lines of the CSV file at `path` (streamed; bytes methods for plain
    chunks, a vectorized pass for the others)."""
    scanner = RecordScanner()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            scanner.feed(chunk, f.peek(1)[:1])
    return scanner.result(path)


def _kept(landed: Path) -> Path:
    """Where the counts of a landed file are kept: a hidden folder beside it (not a landed file)."""
    return landed.parent / ".records" / f"{landed.name}.json"


def keep_scan(scan: RecordScan, landed: Path) -> None:
    """Keep the counts of the landed file `landed` for the stager."""
    data = {**asdict(scan), "line_ends": sorted(scan.line_ends)}
    atomic_write_text(_kept(landed), json.dumps(data))


def scan_of(path: Path) -> RecordScan:
    """The counts of the CSV file at `path`: those landing kept, if they are of a file of its size
    (landed files are read-only), else counted now."""
    try:
        data = json.loads(_kept(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return scan_csv(path)
    scan = RecordScan(**{**data, "line_ends": frozenset(data["line_ends"])})
    return scan if scan.size == path.stat().st_size else scan_csv(path)


def long_line_at(path: Path, longest: int) -> int:
    """The offset of a stretch of `longest` bytes of `path` without a line end (LF or CR), -1 if
    none: the file holds a line at least that long. Windows of `longest` bytes are tested, so any
    line of twice that length or more is found."""
    with path.open("rb") as f:
        offset = 0
        while window := f.read(longest):
            if len(window) == longest and b"\n" not in window and b"\r" not in window:
                return offset
            offset += len(window)
    return -1
