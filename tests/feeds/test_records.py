"""The record scan counts what a CSV file's bytes hold, whatever reader later reads it: one case a
line, bytes -> (data records, data lines, line-end styles, unterminated, line of an open quote)."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds import records
from feeds.records import RecordScanner, keep_scan, scan_csv, scan_of
from foundation.files import sha256_file

CASES = [
    (b"a,b\n1,2\n3,4\n", (2, 2, {"lf"}, False, 0)),
    (b"a,b\n1,2\n3,4", (2, 2, {"lf"}, True, 0)),                     # no final line end
    (b"a,b\r\n1,2\r\n3,4\r\n", (2, 2, {"crlf"}, False, 0)),
    (b"a,b\r1,2\r3,4\r", (2, 2, {"cr"}, False, 0)),                  # classic Mac
    (b"a,b\r\n1,2\n3,4\r\n", (2, 2, {"crlf", "lf"}, False, 0)),
    (b"a,b\n\n1,2\n\r\n\n3,4\n\n", (2, 2, {"crlf", "lf"}, False, 0)),  # blank lines hold no record
    (b'a,b\n"1\n2",3\n4,5\n', (2, 3, {"lf"}, False, 0)),              # a line break inside quotes
    (b'a,b\n"x""y",1\n', (1, 1, {"lf"}, False, 0)),                   # an escaped quote
    (b'a,b\n1,"2\n3,4\n5,6\n', (1, 3, {"lf"}, True, 2)),               # a quote never closed
    (b"a,b\n", (0, 0, {"lf"}, False, 0)),                            # only a header
    (b"a,b", (0, 0, set(), True, 0)),
    (b"", (0, 0, set(), False, 0)),
]


@pytest.mark.parametrize("chunk", [records.CHUNK, 3])  # small chunks: every carry between chunks
@pytest.mark.parametrize(("data", "expected"), CASES)
def test_scan(data: bytes, expected: tuple, chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "CHUNK", chunk)
    p = tmp_path / "f.csv"
    p.write_bytes(data)
    s = scan_csv(p)
    assert (s.records, s.lines, set(s.line_ends), s.unterminated, s.open_quote_line) == expected


@pytest.mark.parametrize(("data", "expected"), CASES)
def test_counted_while_hashed_as_scanned_and_kept_for_the_stager(
        data: bytes, expected: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("foundation.files.BLOCK", 3)
    landed = tmp_path / "load" / "f.csv"
    landed.parent.mkdir()
    landed.write_bytes(data)
    scanner = RecordScanner()
    sha256_file(landed, scanner.feed)
    counted = scanner.result(landed)
    assert counted == scan_csv(landed)
    keep_scan(counted, landed)
    assert [p.name for p in landed.parent.iterdir() if p.is_file()] == ["f.csv"]
    monkeypatch.setattr(records, "scan_csv", lambda path: pytest.fail("the kept counts were not used"))
    assert scan_of(landed) == counted


def test_kept_counts_of_other_bytes_are_not_used(tmp_path: Path) -> None:
    p = tmp_path / "f.csv"
    p.write_bytes(b"a,b\n1,2\n")
    keep_scan(scan_csv(p), p)
    p.write_bytes(b"a,b\n1,2\n3,4\n")
    assert scan_of(p).records == 2
