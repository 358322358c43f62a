"""Compaction: the small data files of many upserts (and files mostly deleted) rewritten into one,
a new snapshot with the same rows; the kept earlier snapshots read what they read before, and
retention later removes the files only they name."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from click.testing import CliRunner

from shucang.cli import main
from warehouse.compact import compact
from warehouse.manifest import Manifest, ManifestFields, read_manifest
from warehouse.snapshots import publish_snapshot

FIELDS = ManifestFields(dataset="compact_probe", kind="feed", title="probe", tier="district", owner="区数据局",
                        category="事件/网格事件", grade="L2", sharing="有条件共享", opening="受限开放",
                        update_frequency="daily", primary_key=["id"])


def _rows(ids: list[int], tag: str) -> pa.Table:
    return pa.table({"id": ids, "v": [f"{tag}{i}" for i in ids], "_load_id": [tag] * len(ids)})


def _live(m: Manifest) -> list[tuple[int, str]]:
    return sorted(duckdb.sql(f"SELECT id, v FROM {m.relation()}").fetchall())


def _upserts(n: int) -> list[Manifest]:
    """A base of 100 rows, then `n` increments each updating one key and adding one."""
    ms = [publish_snapshot(FIELDS, _rows(list(range(100)), "a"), key=["id"]).manifest]
    ms += [publish_snapshot(FIELDS, _rows([i, 100 + i], f"u{i}-"), key=["id"]).manifest for i in range(n)]
    return ms


def test_small_files_are_merged_into_one_with_the_same_rows(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_COMPACT_FILES", "3")
    monkeypatch.setenv("SHUCANG_KEEP_SNAPSHOTS", "3")
    *_, before_last, last = _upserts(6)
    assert len(last.files) == 7 and last.load_ids == sorted(["a", *(f"u{i}-" for i in range(6))])
    done = compact(FIELDS.dataset)
    assert done is not None and (done.files_before, done.files_after) == (7, 1)
    now = read_manifest(FIELDS.dataset)
    assert now.snapshot_id == done.snapshot_id != last.snapshot_id
    assert _live(now) == _live(last) and now.rows == last.rows == 106
    assert all(f.deletes is None for f in now.files)  # the base was mostly replaced: rewritten too
    assert now.load_ids == last.load_ids and now.columns == last.columns  # read from the merged file
    for kept in (last, before_last):  # time travel within the retention reads as before
        assert _live(read_manifest(FIELDS.dataset, snapshot_id=kept.snapshot_id)) == _live(kept)
        assert all(p.exists() for p in kept.paths())
    assert compact(FIELDS.dataset) is None  # nothing left to do


def test_few_small_files_and_few_deletes_are_left_alone(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_COMPACT_FILES", "16")
    last = _upserts(3)[-1]
    assert compact(FIELDS.dataset) is None
    assert read_manifest(FIELDS.dataset).snapshot_id == last.snapshot_id


def test_retention_removes_the_files_only_compacted_snapshots_named(home: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_COMPACT_FILES", "2")
    monkeypatch.setenv("SHUCANG_KEEP_SNAPSHOTS", "2")
    last = _upserts(4)[-1]
    assert compact(FIELDS.dataset) is not None
    publish_snapshot(FIELDS, _rows([5], "z"), key=["id"])  # `last` leaves the retention
    now = read_manifest(FIELDS.dataset)
    assert now.load_ids == sorted(["a", "u0-", "u1-", "u2-", "u3-", "z"])
    assert dict(_live(now))[5] == "z5" and now.rows == last.rows
    gone = set(last.paths()) - set(now.paths())
    assert gone and not any(p.exists() for p in gone)


def test_the_command_compacts_every_dataset_that_needs_it(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_COMPACT_FILES", "2")
    last = _upserts(3)[-1]
    result = CliRunner().invoke(main, ["warehouse", "compact"])
    assert result.exit_code == 0, result.output
    assert f"compact_probe: compacted (103 rows in {len(last.files)} -> 1 data files" in result.output
    assert "compacted 1 dataset(s)" in result.output
    again = CliRunner().invoke(main, ["warehouse", "compact", "compact_probe"])
    assert "compacted 0 dataset(s)" in again.output


def test_zero_small_files_allowed_merges_any_two(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_COMPACT_FILES", "0")  # 0 is a limit, not "unset"
    monkeypatch.setenv("SHUCANG_COMPACT_SMALL_MIB", "64")
    last = _upserts(1)[-1]
    assert len(last.files) == 2
    done = compact(FIELDS.dataset)
    assert done is not None and (done.files_before, done.files_after) == (2, 1)
    assert compact(FIELDS.dataset) is None  # one small file is no merge, whatever the limit
