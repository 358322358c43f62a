"""What the bytes of a CSV file hold, counted independently of any CSV reader: its records (line
ends outside double quotes), its physical lines, the line-end styles it mixes, NUL bytes, and
whether it ends inside a quoted field. The stager checks the reader's row count against these
counts, so a reader that silently joins or drops lines cannot make the ledger balance on lost rows.

The scan works on the raw bytes in either encoding a feed may use: in UTF-8 and in GBK/GB18030
the bytes of `"`, CR and LF never occur inside a multi-byte character."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

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


def scan_csv(path: Path) -> RecordScan:
    """Count the records and lines of the CSV file at `path` (streamed, vectorized)."""
    size = path.stat().st_size
    if size == 0:
        return RecordScan(0, 0, 0, frozenset(), -1, -1, 0, False, 0)
    data = np.memmap(path, dtype=np.uint8, mode="r")
    parity = 0  # quotes seen so far, mod 2
    last_end = -1  # offset of the last physical line end
    last_record_end = -1  # offset of the last record end (outside quotes)
    nonblank_records = nonblank_lines = 0
    styles: set[str] = set()
    nul_at = last_quote = -1
    for start in range(0, size, CHUNK):
        stop = min(start + CHUNK, size)
        look = np.asarray(data[start:min(stop + 1, size)])  # one byte ahead, to see CR LF pairs
        a = look[: stop - start]
        if nul_at < 0:
            nuls = np.flatnonzero(a == NUL)
            nul_at = start + int(nuls[0]) if nuls.size else -1
        lf = a == LF
        cr = a == CR
        next_lf = np.zeros_like(cr)
        next_lf[:-1] = lf[1:]
        if look.size > a.size:
            next_lf[-1] = look[-1] == LF
        ends = lf | (cr & ~next_lf)
        positions = np.flatnonzero(ends)
        quotes = a == QUOTE
        if quotes.any():
            cum = np.cumsum(quotes, dtype=np.int64)
            outside = ((cum[positions] + parity) & 1) == 0
            last_quote = start + int(np.flatnonzero(quotes)[-1])
            parity = int((cum[-1] + parity) & 1)
        else:
            outside = np.full(positions.size, parity == 0)
        if positions.size:
            glob = positions + start
            prev = np.empty_like(glob)
            prev[0] = last_end
            prev[1:] = glob[:-1]
            crlf = a[positions] == LF
            before = glob - 1
            crlf &= before >= 0
            crlf[crlf] = data[before[crlf]] == CR
            content = glob - prev - 1 - crlf
            blank = content == 0
            nonblank_lines += int(np.count_nonzero(~blank))
            nonblank_records += int(np.count_nonzero(~blank & outside))
            styles.update(s for s, hit in (("crlf", crlf.any()), ("lf", (lf[positions] & ~crlf).any()),
                                            ("cr", cr[positions].any())) if hit)
            last_end = int(glob[-1])
            if outside.any():
                last_record_end = int(glob[np.flatnonzero(outside)[-1]])
    unterminated = last_end < size - 1 or (parity == 1 and last_record_end < size - 1)
    tail_line = 1 if last_end < size - 1 else 0
    tail_record = 1 if last_record_end < size - 1 else 0
    open_line = 0
    if parity:
        open_line = int(np.count_nonzero(np.asarray(data[:last_quote]) == LF)) + 1
    return RecordScan(
        size=size, records=max(nonblank_records + tail_record - 1, 0),
        lines=max(nonblank_lines + tail_line - 1, 0), line_ends=frozenset(styles), nul_at=nul_at,
        open_quote_at=last_quote if parity else -1, open_quote_line=open_line,
        unterminated=unterminated, last_record_at=last_record_end + 1)
