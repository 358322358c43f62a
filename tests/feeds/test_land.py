"""Landing and the ledger: raw bytes kept read-only with their sha256, the same bytes again are a
no-op (under any name), and the ledger works the same on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from control import ledger
from feeds.land import land, landed_files
from tests.support.grid import GRID_HEADER, csv_bytes, grid_row


def test_landed_bytes_are_identical_read_only_and_hashed(contracts, backend: str, home: Path,
                                                         grid_dir: Path) -> None:
    data = csv_bytes(GRID_HEADER, [grid_row(1)])
    (grid_dir / "a.csv").write_bytes(data)
    load_id = land(contracts["grid_event"])
    (path,) = landed_files("grid_event", load_id)
    assert path.read_bytes() == data
    assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert ledger.known_sha256("grid_event") == {hashlib.sha256(data).hexdigest()}
    row = ledger.get_load(load_id)
    assert (row["files"], row["bytes"], row["status"]) == (1, len(data), "landed")


def test_same_bytes_again_are_a_no_op_under_any_name(contracts, backend: str, home: Path,
                                                      grid_dir: Path) -> None:
    data = csv_bytes(GRID_HEADER, [grid_row(1)])
    (grid_dir / "a.csv").write_bytes(data)
    first = land(contracts["grid_event"])
    assert land(contracts["grid_event"]) is None
    (grid_dir / "copy-of-a.csv").write_bytes(data)
    assert land(contracts["grid_event"]) is None
    (grid_dir / "b.csv").write_bytes(csv_bytes(GRID_HEADER, [grid_row(2)]))
    second = land(contracts["grid_event"])
    assert second not in (None, first)
    assert [p.name for p in landed_files("grid_event", second)] == ["district__grid_event__b.csv"]
    assert [r["load_id"] for r in ledger.list_loads("grid_event")] == [second, first]


def test_conservation_is_checked(backend: str, home: Path) -> None:
    load_id = ledger.start_load("grid_event")
    ledger.update_load(load_id, rows_in=10, rows_published=7, rows_quarantined=3)
    ledger.assert_conserved(load_id)
    ledger.update_load(load_id, rows_quarantined=2)
    with pytest.raises(ledger.ConservationError, match="rows_in=10 != published 7 \\+ quarantined 2"):
        ledger.assert_conserved(load_id)


def _aged(path: Path, seconds: int = 60) -> Path:
    """Date a file's mtime back, as a feed written a while ago (its stat is then trusted)."""
    t = path.stat().st_mtime_ns - seconds * 1_000_000_000
    os.utime(path, ns=(t, t))
    return path


def _seen(source: Path) -> int:
    return ledger.known_stats("grid_event")[str(source)].seen_ns


def test_an_unchanged_file_is_not_read_again(contracts, backend: str, home: Path, grid_dir: Path) -> None:
    a = grid_dir / "a.csv"
    a.write_bytes(csv_bytes(GRID_HEADER, [grid_row(1)]))
    _aged(a)
    land(contracts["grid_event"])
    seen = _seen(a)
    (grid_dir / "b.csv").write_bytes(csv_bytes(GRID_HEADER, [grid_row(2)]))
    second = land(contracts["grid_event"])
    assert [p.name for p in landed_files("grid_event", second)] == ["district__grid_event__b.csv"]
    assert _seen(a) == seen  # a.csv was looked at, not hashed


def test_a_touched_file_is_hashed_and_opens_no_load(contracts, backend: str, home: Path,
                                                    grid_dir: Path) -> None:
    a = grid_dir / "a.csv"
    a.write_bytes(csv_bytes(GRID_HEADER, [grid_row(1)]))
    _aged(a, 120)
    land(contracts["grid_event"])
    seen = _seen(a)
    _aged(a, 60)  # same bytes, another mtime
    assert land(contracts["grid_event"]) is None
    assert _seen(a) > seen


@pytest.mark.parametrize("how", ["rewritten in place", "replaced by rename"])
def test_new_bytes_under_the_same_size_and_mtime_are_landed(contracts, backend: str, home: Path,
                                                            grid_dir: Path, how: str) -> None:
    a = grid_dir / "a.csv"
    a.write_bytes(csv_bytes(GRID_HEADER, [grid_row(1)]))
    _aged(a)
    first = land(contracts["grid_event"])
    st = a.stat()
    data = csv_bytes(GRID_HEADER, [grid_row(2)])
    assert len(data) == st.st_size
    if how == "rewritten in place":
        a.write_bytes(data)
    else:
        (grid_dir / "a.csv.new").write_bytes(data)
        os.replace(grid_dir / "a.csv.new", a)
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))  # size and mtime as before: ctime/inode tell
    second = land(contracts["grid_event"])
    assert second not in (None, first)
    assert landed_files("grid_event", second)[0].read_bytes() == data


def test_a_file_seen_right_after_it_was_written_is_hashed_again(contracts, backend: str, home: Path,
                                                                grid_dir: Path) -> None:
    a = grid_dir / "a.csv"
    a.write_bytes(csv_bytes(GRID_HEADER, [grid_row(1)]))  # mtime now: its stat is racy
    land(contracts["grid_event"])
    seen = _seen(a)
    assert land(contracts["grid_event"]) is None
    assert _seen(a) > seen
