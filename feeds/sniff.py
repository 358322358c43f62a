"""What a file's first bytes say it is, when it is not the text a feed should hold: an HTML or XML
page (a portal's error or login page saved under the feed's name), an archive, a workbook, a PDF.
Readers refuse such a file as `rejected:format` before decoding it."""

from __future__ import annotations

import re
from pathlib import Path

from feeds.errors import WrongFormat

# (magic bytes, what the file is, what to do about it)
MAGIC = [
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook or a compressed export)",
     "unpack it, or name the workbook .xlsx under a workbook contract"),
    (bytes.fromhex("d0cf11e0a1b11ae1"), "an Excel 97-2003 workbook (.xls)", "save the sheet as CSV"),
    (b"%PDF", "a PDF document", "export the data, not a printout"),
    (b"\x1f\x8b", "a gzip archive", "unpack it"),
    (b"Rar!", "a RAR archive", "unpack it"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive", "unpack it"),
]
_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|body|\?xml)", re.IGNORECASE)
_TITLE = re.compile(rb"<title[^>]*>(.{0,200}?)</title>", re.IGNORECASE | re.DOTALL)


def foreign_content(path: Path, expected: str) -> WrongFormat | None:
    """Why the file at `path` is not `expected` (CSV text, JSON) by its first bytes, or None."""
    with path.open("rb") as f:
        head = f.read(4096)
    for magic, what, fix in MAGIC:
        if head.startswith(magic):
            return _foreign(f"{path.name}: {what}, not {expected}; {fix}")
    if _MARKUP.match(head):
        title = _TITLE.search(head)
        shown = f" titled {title.group(1).decode('utf-8', 'replace').strip()!r}" if title else ""
        return _foreign(f"{path.name}: a web page{shown}, not {expected}: the portal or API answered"
                        " with an error or login page, saved under the feed's name")
    return None


def _foreign(message: str) -> WrongFormat:
    err = WrongFormat(message)
    err.no_records = True
    return err
