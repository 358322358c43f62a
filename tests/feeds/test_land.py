"""Landing and the ledger: raw bytes kept read-only with their sha256, the same bytes again are a
no-op (under any name), and the ledger works the same on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
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
