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


def _plain_lines(chunk: bytes, after_line_end: bool) -> tuple[int, str] | None:
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


def scan_csv(path: Path) -> RecordScan:
    """Count the records and lines of the CSV file at `path` (streamed; bytes methods for plain
    chunks, a vectorized pass for the others)."""
    size = path.stat().st_size
    if size == 0:
        return RecordScan(0, 0, 0, frozenset(), -1, -1, 0, False, 0)
    parity = 0  # quotes seen so far, mod 2
    last_end = -1  # offset of the last physical line end
    last_record_end = -1  # offset of the last record end (outside quotes)
    nonblank_records = nonblank_lines = 0
    styles: set[str] = set()
    nul_at = last_quote = -1
    prev_byte = -1
    with path.open("rb") as f:
        start = 0
        while chunk := f.read(CHUNK):
            plain = _plain_lines(chunk, start - 1 == last_end)
            if plain:  # the usual chunk: no quote, NUL or blank line, one style of line end
                count, style = plain
                nonblank_lines += count
                if parity == 0:
                    nonblank_records += count
                if count:
                    styles.add(style)
                    last_end = start + chunk.rfind(b"\n")
                    if parity == 0:
                        last_record_end = last_end
            else:
                a = np.frombuffer(chunk, dtype=np.uint8)
                if nul_at < 0:
                    nuls = np.flatnonzero(a == NUL)
                    nul_at = start + int(nuls[0]) if nuls.size else -1
                lf = a == LF
                cr = a == CR
                next_lf = np.zeros_like(cr)
                next_lf[:-1] = lf[1:]
                next_lf[-1] = f.peek(1)[:1] == b"\n"  # one byte ahead, to see a CR LF pair
                positions = np.flatnonzero(lf | (cr & ~next_lf))
                quotes = a == QUOTE
                if quotes.any():
                    cum = np.cumsum(quotes, dtype=np.uint8)  # wraps at 256, an even number: parity holds
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
                    before = np.where(positions > 0, a[np.maximum(positions - 1, 0)], prev_byte)
                    crlf = lf[positions] & (before == CR)
                    blank = (glob - prev - 1 - crlf) == 0
                    nonblank_lines += int(np.count_nonzero(~blank))
                    nonblank_records += int(np.count_nonzero(~blank & outside))
                    hits = {"crlf": crlf.any(), "lf": (lf[positions] & ~crlf).any(),
                            "cr": cr[positions].any()}
                    styles.update(style for style, hit in hits.items() if hit)
                    last_end = int(glob[-1])
                    if outside.any():
                        last_record_end = int(glob[np.flatnonzero(outside)[-1]])
            prev_byte = chunk[-1]
            start += len(chunk)
    unterminated = last_end < size - 1 or (parity == 1 and last_record_end < size - 1)
    tail_line = 1 if last_end < size - 1 else 0
    tail_record = 1 if last_record_end < size - 1 else 0
    open_line = 0
    if parity:
        with path.open("rb") as f:
            open_line = f.read(last_quote).count(b"\n") + 1
    return RecordScan(
        size=size, records=max(nonblank_records + tail_record - 1, 0),
        lines=max(nonblank_lines + tail_line - 1, 0), line_ends=frozenset(styles), nul_at=nul_at,
        open_quote_at=last_quote if parity else -1, open_quote_line=open_line,
        unterminated=unterminated, last_record_at=last_record_end + 1)
