"""Crash recovery: a load killed (SIGKILL) at any named point of land, stage, address, validate
and publish leaves readers on the old snapshot or the new one, and the next run of the dataset
publishes every row of it exactly once, with the ledger terminal and balanced, on SQLite and
PostgreSQL. The killed run is a forked child of the test process (imports already warm), running
the pipeline as `shucang feeds run` does; one case kills the real command line."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from control import lease, ledger
from foundation.files import sha256_file
from foundation.settings import REPO_ROOT
from shucang import pipeline
from tests.support.grid import GRID_HEADER, csv_bytes, grid_row
from warehouse import quarantine
from warehouse.manifest import current_relation, dataset_dir, read_manifest
from warehouse.query import query

pytestmark = pytest.mark.xdist_group("faults")

KILL_POINTS = [
    "land.start", "land.copied", "land.moved", "land.unconfirmed", "land.recorded",
    "stage.start", "stage.written", "stage.recorded",
    "address.start", "address.written", "address.recorded",
    "validate.start", "validate.checked", "validate.quarantined", "validate.recorded",
    "publish.start", "publish.written", "publish.placed", "publish.swapped", "publish.synced",
    "publish.pruned", "publish.manifest_swapped",
    "publish.sealed", "publish.recorded",
]
# inside the steps a load on Spark runs (tests/shucang/test_spark_load.py kills there)
SPARK_POINTS = ["stage.spark_quarantined", "address.spark_quarantined"]
STEPS_WITH_BOUNDARIES = ("stage", "address", "validate", "publish")
# PostgreSQL gets a point before the load is recorded, two mid-way, both around the manifest
# swap and one between the swap and the ledger update: only the control plane differs, and each
# case costs half a minute on a loaded machine
PG_POINTS = ["land.moved", "stage.written", "validate.quarantined", "publish.placed",
             "publish.manifest_swapped", "publish.sealed"]

OLD = {("SJ202611200001", "上报"), ("SJ202611200002", "办结")}
NEW = {("SJ202611200001", "办结"), ("SJ202611200002", "办结"), ("SJ202611200003", "办结")}


def _deliveries(grid_dir: Path) -> None:
    """Publish a first delivery, then drop a second one: an update, a new row, a row that cannot
    be typed and a repeated key (4 rows in: 2 published, 2 quarantined)."""
    first = [grid_row(1, 处置状态="上报", 派发时间="", 处置时间="", 办结时间=""), grid_row(2)]
    (grid_dir / "a.csv").write_bytes(csv_bytes(GRID_HEADER, first))
    assert pipeline.run_feed("grid_event") is not None
    (grid_dir / "b.csv").write_bytes(csv_bytes(GRID_HEADER, [
        grid_row(1), grid_row(3), grid_row(4, 事件等级="高"), grid_row(3)]))


def _published() -> set[tuple[str, str]]:
    """What a reader of the manifest sees, after checking every file it names against its hash."""
    manifest = read_manifest("grid_event")
    for f in manifest.files:
        assert sha256_file(dataset_dir("grid_event") / f.path) == f.sha256
    with duckdb.connect() as con:
        rows = con.execute(f"SELECT event_id, status FROM {current_relation('grid_event')}").fetchall()
    assert len(rows) == len(set(rows)), "a row is published twice"
    return set(rows)


def _child(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)
    pipeline.run_feed("grid_event")


# Children fork from a server that imported the pipeline once and touched no database or DuckDB
# (forking the test process itself would share its open connections and threads).
_CHILDREN = multiprocessing.get_context("forkserver")
_CHILDREN.set_forkserver_preload(["tests.conftest", "shucang.pipeline", "quality.validate",
                                  "address_registry", "tests.shucang.test_faults"])


def _killed_at(point: str) -> int | None:
    """Run the dataset's load in a child process that dies at `point`; its exit code."""
    child = _CHILDREN.Process(target=_child, args=({**os.environ, "SHUCANG_FAULT_POINT": point},))
    child.start()
    child.join(timeout=300)
    if child.is_alive():
        child.kill()
        pytest.fail(f"the load killed at {point} hung")
    return child.exitcode


def _assert_recovered(home: Path, finished: bool = False) -> None:
    """The next run finishes the killed load (or, `finished`: the load was recorded as published
    before the kill, so there is nothing left to run), and every row is published once."""
    assert (pipeline.run_feed("grid_event") is None) is finished
    assert _published() == NEW
    assert {r for r in query("SELECT event_id, status FROM grid_event")[1]} == NEW
    first, second = sorted(ledger.list_loads("grid_event"), key=lambda r: r["started_at"])
    assert [first["status"], second["status"]] == ["published", "published"]
    assert (second["rows_in"], second["rows_published"], second["rows_quarantined"]) == (4, 2, 2)
    ledger.assert_conserved(second["load_id"])
    codes = quarantine.read("grid_event", second["load_id"]).column("reason_code").to_pylist()
    assert sorted(codes) == ["cast", "duplicate_key"]
    assert ledger.unfinished_loads("grid_event") == []
    assert lease.current("grid_event") is None
    landed = {p.name for p in (home / "landing" / "grid_event").iterdir()}
    assert landed == ledger.load_ids("grid_event"), "a killed landing left a folder behind"
    assert pipeline.run_feed("grid_event") is None      # and then the same bytes are a no-op
    assert len(ledger.list_loads("grid_event")) == 2


def kill_and_recover(point: str, home: Path, grid_dir: Path) -> None:
    """Two deliveries of the grid feed, the second killed at `point`: readers see the old or the
    new rows, and the next run finishes the load (`_assert_recovered`)."""
    _deliveries(grid_dir)
    assert _killed_at(point) == -signal.SIGKILL, f"the load never reached {point}"
    assert _published() in (OLD, NEW)
    # the manifest is the truth; killed between its swap and the view sync, the warehouse view
    # still shows the whole old snapshot until the next publish or `warehouse sync` repoints it
    view = {r for r in query("SELECT event_id, status FROM grid_event")[1]}
    assert view == (OLD if point == "publish.swapped" else _published())
    _assert_recovered(home, finished=point == "publish.recorded")


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_load_killed_at_any_point_is_finished_by_the_next_run(point: str, home: Path,
                                                                grid_dir: Path) -> None:
    kill_and_recover(point, home, grid_dir)


@pytest.mark.parametrize("point", PG_POINTS)
def test_kills_on_a_postgresql_control_plane(point: str, backend: str, home: Path,
                                             grid_dir: Path) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite runs every point above")
    kill_and_recover(point, home, grid_dir)


def test_every_point_in_the_code_is_killed_at() -> None:
    named = set()
    for path in [*REPO_ROOT.glob("*/*.py")]:
        named |= set(re.findall(r'faults\.point\("([^"]+)"\)', path.read_text(encoding="utf-8")))
    named |= {f"{step}.{edge}" for step in STEPS_WITH_BOUNDARIES for edge in ("start", "recorded")}
    assert named == set(KILL_POINTS) | set(SPARK_POINTS)
    assert set(PG_POINTS) <= named


def test_an_error_marks_the_load_failed_and_the_next_run_resumes_it(home: Path, grid_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _deliveries(grid_dir)
    monkeypatch.setenv("SHUCANG_FAULT_POINT", "address.written:raise")
    with pytest.raises(pipeline.LoadFailed, match="failed in address: FaultInjected"):
        pipeline.run_feed("grid_event")
    (failed,) = ledger.unfinished_loads("grid_event")
    assert (failed["status"], failed["step"]) == ("failed", "staged")
    assert failed["error"].startswith("address: FaultInjected")
    monkeypatch.delenv("SHUCANG_FAULT_POINT")
    _assert_recovered(home)


def test_the_command_line_killed_in_publish_is_finished_by_the_next_run(home: Path,
                                                                         grid_dir: Path) -> None:
    _deliveries(grid_dir)
    env = {**os.environ, "SHUCANG_FAULT_POINT": "publish.placed"}
    shucang = Path(sys.executable).parent / "shucang"
    run = subprocess.run([str(shucang), "feeds", "run", "grid_event"], env=env, capture_output=True,
                         timeout=600)
    assert run.returncode == -signal.SIGKILL, run.stderr.decode()[-2000:]
    assert _published() == OLD
    _assert_recovered(home)
