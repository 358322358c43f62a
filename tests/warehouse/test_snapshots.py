"""The one snapshot writer: fed loads, models and the audit log written alike (id scheme, Parquet
setting, hashes, retention, a warehouse view each); a publish killed (SIGKILL, in a subprocess) after
each of its steps leaves readers on the old snapshot or the new one and is retried to the same end;
a publish while another process holds warehouse.duckdb is complete and says the view is pending."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from access import audit
from contracts.contract import Contract, load_contracts
from control import ledger
from foundation.files import sha256_file
from shucang import pipeline
from tests.support.synthetic_inputs import synthetic_rows, table_for
from transforms.runner import run_model
from warehouse import lake
from warehouse.manifest import Manifest, dataset_dir, read_manifest
from warehouse.publish import publish
from warehouse.snapshots import DELETES, SNAPSHOT_ID, STEPS, keep_snapshots, kept_versions, new_snapshot_id
from warehouse.views import VIEWS_TABLE, sync_views, warehouse_file

DATASET = "resident_evaluation"


def _contract() -> Contract:
    return load_contracts()[DATASET]


def _load_file(home: Path, load_id: str, rows: list[dict[str, Any]]) -> Path:
    """A load's validated Parquet file of `rows`, with the bookkeeping columns the stager adds."""
    data = home / f"{load_id}.parquet"
    with duckdb.connect() as con:
        con.register("staged", table_for(_contract(), rows, load_id))
        con.execute("COPY (SELECT *, row_number() OVER () AS _row, 'a.xlsx' AS _file, _row + 1 AS _line"
                    f" FROM staged) TO '{data}' (FORMAT parquet)")
    return data


def _view(dataset: str) -> tuple[str | None, int | None]:
    """The snapshot the warehouse view of `dataset` shows and its row count (None: no view)."""
    with duckdb.connect(str(warehouse_file()), read_only=True) as con:
        shown = con.execute(f"SELECT snapshot_id FROM {VIEWS_TABLE} WHERE dataset = ?", [dataset]).fetchone()
        if shown is None:
            return None, None
        count = con.execute(f'SELECT count(*) FROM "{dataset}"').fetchone()
    return shown[0], count[0] if count else None


def _consistent(m: Manifest) -> None:
    """Every file the manifest names is there, whole, with the rows it says."""
    for f, p in zip(m.files, m.paths(), strict=True):
        assert sha256_file(p) == f.sha256 and pq.ParquetFile(p).metadata.num_rows == f.rows


def _named_files(dataset: str) -> set[Path]:
    """Every data and delete file a kept snapshot manifest of `dataset` names."""
    named = set()
    for p in (dataset_dir(dataset) / "snapshots").glob("*.json"):
        m = read_manifest(dataset, snapshot_id=p.stem)
        base = dataset_dir(dataset)
        named |= {(base / f.path).resolve() for f in m.files}
        named |= {(base / f.deletes.path).resolve() for f in m.files if f.deletes}
    return named


def _no_debris(dataset: str) -> None:
    """The lake holds the files of the kept versions and nothing else; every file a kept manifest
    names is there (delete files as the manifests' own links), and no link nobody names."""
    named = _named_files(dataset)
    links = {p.resolve() for p in (dataset_dir(dataset) / DELETES).glob("*")}
    assert all(p.exists() for p in named)
    assert named - links <= _lake_files(dataset) == _kept_files(dataset)
    assert links <= named


def _kept_files(dataset: str) -> set[Path]:
    """The files of `dataset` at every lake version a kept manifest of any dataset names (lake
    versions span datasets): all the lake may keep once expired files are gone."""
    with lake.connect() as con:
        return {p.resolve() for v in kept_versions() if v >= _created(con, dataset)
                for f in lake.files_at(con, dataset, v) for p in (f.data, f.deletes) if p}


def _created(con: duckdb.DuckDBPyConnection, dataset: str) -> int:
    return con.execute("SELECT min(begin_snapshot) FROM __ducklake_metadata_lake.ducklake_table"
                       " WHERE table_name = ?", [dataset]).fetchone()[0]


def _lake_files(dataset: str) -> set[Path]:
    return {p.resolve() for p in (lake.location().data / "main" / dataset).glob("*.parquet")}


def _parquet_setting(m: Manifest) -> set[tuple[str, str]]:
    meta = pq.ParquetFile(m.paths()[0]).metadata
    return {(meta.row_group(0).column(i).compression, meta.created_by.split()[0])
            for i in range(meta.num_columns)}


def test_feed_model_and_log_are_written_alike(published: dict, home: Path) -> None:
    rows = synthetic_rows()[DATASET]
    keep = keep_snapshots()
    audit.record("chen", "query", "ok", statement="SELECT 1", rows=1)
    for _ in range(keep + 1):
        load_id = new_snapshot_id()
        fed = publish(_contract(), load_id, _load_file(home, load_id, rows)).manifest
        run_model("grid_event_closure")
        log = audit.export_dataset()
    model = read_manifest("grid_event_closure")
    assert (fed.kind, model.kind, log.kind) == ("feed", "model", "log")
    for m in (fed, model, log):
        assert SNAPSHOT_ID.fullmatch(m.snapshot_id), m.dataset
        assert m.lake_version is not None and m.files, m.dataset
        _consistent(m)
        assert _parquet_setting(m) == {("ZSTD", "DuckDB")}, m.dataset
        assert _view(m.dataset) == (m.snapshot_id, m.rows)  # every published dataset gets its view
        kept = sorted(p.stem for p in (dataset_dir(m.dataset) / "snapshots").iterdir())
        assert len(kept) == keep and kept[-1] == m.snapshot_id, m.dataset
        _no_debris(m.dataset)
    assert fed.load_ids == [fed.snapshot_id]  # each load replaced every row of the one before
    assert log.column("statement").category == "数据治理/访问审计"


def test_a_view_without_a_manifest_is_dropped(published: dict, home: Path) -> None:
    audit.export_dataset()
    assert _view(audit.DATASET)[0] is not None
    (dataset_dir(audit.DATASET) / "manifest.json").unlink()
    sync = sync_views()
    assert audit.DATASET in sync.dropped and sync.pending is None
    assert _view(audit.DATASET) == (None, None)


def test_an_unreadable_manifest_does_not_hold_up_the_other_views(published: dict, home: Path) -> None:
    (dataset_dir("grid_event") / "manifest.json").write_text("{", "utf-8")
    log = audit.export_dataset()  # published, and every readable manifest's view synced
    assert _view(audit.DATASET) == (log.snapshot_id, log.rows)
    assert _view("parking_lot")[0] == published["parking_lot"].snapshot_id
    pending = sync_views().pending
    assert pending is not None and "grid_event/manifest.json is not JSON" in pending


KILL = """
import sys
from pathlib import Path
from contracts.contract import load_contracts
from warehouse.publish import publish

publish(load_contracts()[sys.argv[1]], sys.argv[2], Path(sys.argv[3]))
"""


@pytest.mark.parametrize("step", STEPS)
def test_a_publish_killed_after_each_step_is_old_or_new_and_retried(home: Path, step: str) -> None:
    rows = synthetic_rows()[DATASET]
    first, second = new_snapshot_id(), new_snapshot_id()
    publish(_contract(), first, _load_file(home, first, rows))
    data = _load_file(home, second, rows[:5])
    killed = subprocess.run([sys.executable, "-c", KILL, DATASET, second, str(data)],
                            env={**os.environ, "SHUCANG_FAULT_POINT": f"publish.{step}"},
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    current = read_manifest(DATASET)
    swapped = STEPS.index(step) >= STEPS.index("swapped")
    assert current.snapshot_id == (second if swapped else first)
    _consistent(current)
    # the view shows a whole snapshot: the new one only once the sync ran
    assert _view(DATASET) == ((second, len(rows)) if STEPS.index(step) >= STEPS.index("synced")
                              else (first, len(rows)))
    retry = publish(_contract(), second, data)  # the Airflow retry of the same load
    assert (retry.snapshot_id, retry.rows_published, retry.rows_total) == (second, 5, len(rows))
    assert retry.already_published == swapped and retry.view_pending is None
    assert read_manifest(DATASET).load_ids == sorted([first, second])
    assert _view(DATASET) == (second, len(rows))
    kept = sorted(p.name for p in (dataset_dir(DATASET) / "snapshots").iterdir())
    assert kept == [f"{first}.json", f"{second}.json"]
    _no_debris(DATASET)  # of the killed attempt


HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()
"""


def test_publish_while_another_process_holds_the_warehouse(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = synthetic_rows()[DATASET]
    first = ledger.start_load(DATASET)
    publish(_contract(), first, _load_file(home, first, rows))
    load_id = ledger.start_load(DATASET)
    ledger.update_load(load_id, rows_in=5)
    ref = {"dataset": DATASET, "load_id": load_id}
    work = pipeline.workdir(ref)  # type: ignore[arg-type]
    work.mkdir(parents=True)
    _load_file(home, load_id, rows[:5]).rename(work / "staged.parquet")
    monkeypatch.setenv("SHUCANG_WAREHOUSE_WAIT", "0.5")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse_file())], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        start = time.monotonic()
        pipeline.publish_step(ref)  # type: ignore[arg-type]
        took = time.monotonic() - start
        load = ledger.get_load(load_id)
        assert (load["status"], load["rows_published"], read_manifest(DATASET).snapshot_id) == (
            "published", 5, load_id)
        assert load["reason"].startswith(f"{pipeline.VIEW_PENDING}: ") and "shucang warehouse sync" in load["reason"]
        assert took < 30
    finally:
        holder.communicate("")
    assert _view(DATASET) == (first, len(rows))  # the view lags, whole
    assert sync_views().repointed == [DATASET]
    assert _view(DATASET) == (load_id, len(rows))
