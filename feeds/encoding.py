"""Text encodings of feed files: which one a file is really in (UTF-8 or GB18030, the superset of
GBK), and a streaming transcode to UTF-8 so DuckDB can read GBK files. Decoding is strict: a byte
sequence valid in neither is a rejection, never a silent replacement character."""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from pathlib import Path

from feeds.errors import EncodingRejected

CHUNK = 8 << 20
SAMPLE = 1 << 20  # UTF-8 is judged on the first MiB; DuckDB rejects later invalid bytes row by row
_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030", "utf-8": "utf-8"}


def _decodes(path: Path, encoding: str, limit: int | None = None) -> tuple[bool, int]:
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


def detect_encoding(path: Path, declared: str = "auto") -> str:
    """'utf-8' or 'gb18030' for `path`, trying the declared encoding first.

    UTF-8 is judged on the first MiB (invalid bytes further on make DuckDB reject those rows, which
    are quarantined); GB18030 on the whole file. UTF-16 byte-order marks and bytes valid in neither
    raise EncodingRejected naming the offset.
    """
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise EncodingRejected(
            f"{path.name}: file is UTF-16 (byte-order mark {head[:2].hex()}); feeds must be UTF-8 or GBK"
        )
    first = _ALIASES.get(declared, "utf-8")
    order = [first] + [e for e in ("utf-8", "gb18030") if e != first]
    offsets = {}
    for enc in order:
        ok, offset = _decodes(path, enc, SAMPLE if enc == "utf-8" else None)
        if ok:
            return enc
        offsets[enc] = offset
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
