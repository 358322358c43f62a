"""What Spark would read differently from the DuckDB path's stager is found before a load goes to
Spark (the load is then staged on DuckDB): NUL bytes, CR-only or mixed line ends, bytes outside
the file's one encoding past the part the encoding is judged on, title lines above the header,
UTF-16 and lines too long for a CSV record. Header names written with other marks, widths or
spaces, and files that are something else, are read or refused by Spark's reader alike. A plain file in either encoding goes to Spark. No Spark is
started here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from contracts.contract import Contract
from feeds.spark_stage import unread_by_spark
from tests.support.grid import GRID_HEADER, csv_bytes, grid_row

ROWS = [grid_row(i) for i in range(1, 11)]


def _big_utf8_then_gbk() -> bytes:
    """A UTF-8 file past the first MiB, then one GBK record (Spark would read it as U+FFFD)."""
    rows = [grid_row(i) for i in range(1, 12_000)]
    return csv_bytes(GRID_HEADER, rows, "utf-8") + (",".join(grid_row(99_999)) + "\n").encode("gbk")


CASES: list[tuple[str, Callable[[], bytes], str | None]] = [
    ("plain_gbk", lambda: csv_bytes(GRID_HEADER, ROWS), None),
    ("plain_utf8_crlf", lambda: csv_bytes(GRID_HEADER, ROWS, "utf-8").replace(b"\n", b"\r\n"), None),
    ("nul_byte", lambda: csv_bytes(GRID_HEADER, ROWS).replace(b"\n", b"\n\x00", 1), "NUL byte"),
    ("cr_only", lambda: csv_bytes(GRID_HEADER, ROWS).replace(b"\n", b"\r"), "line ends cr"),
    ("mixed_line_ends", lambda: csv_bytes(GRID_HEADER, ROWS).replace(b"\n", b"\r\n", 3), "line ends"),
    ("gbk_after_first_mib", _big_utf8_then_gbk, "not UTF-8 at offset"),
    ("title_line", lambda: "网格事件台账\n".encode("gbk") + csv_bytes(GRID_HEADER, ROWS),
     "1 line(s) above the header"),
    ("bom_inside_header", lambda: csv_bytes([GRID_HEADER[0], "\ufeff" + GRID_HEADER[1], *GRID_HEADER[2:]],
                                            ROWS, "utf-8"), None),  # Spark folds the names itself
    ("spaced_header", lambda: csv_bytes(["事件 编号", *GRID_HEADER[1:]], ROWS), None),
    ("utf16_with_bom", lambda: b"\xff\xfe" + "\n".join(",".join(r) for r in [GRID_HEADER, *ROWS]).encode("utf-16-le"), "UTF-16"),
    ("web_page", lambda: b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
     None),  # refused alike on both paths (check_csv_file)
    ("zip_archive", lambda: b"PK\x03\x04" + bytes(200), None),
    ("line_of_3_mib", lambda: csv_bytes(GRID_HEADER, ROWS) + b"x" * (3 << 20) + b"\n", None),
    ("long_line", lambda: csv_bytes(GRID_HEADER, ROWS) + b"x" * (17 << 20) + b"\n", "no line end"),
]


@pytest.mark.parametrize(("name", "data", "why"), CASES, ids=[c[0] for c in CASES])
def test_what_spark_would_misread_stays_on_duckdb(tmp_path: Path, contracts: dict[str, Contract],
                                                  name: str, data: Callable[[], bytes],
                                                  why: str | None) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(data())
    found = unread_by_spark(contracts["grid_event"], [path])
    if why is None:
        assert found is None
    else:
        assert found is not None and why in found and path.name in found
