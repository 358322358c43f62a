"""Scheduled upkeep: compaction of every published dataset under its lease (a dataset a load is
working on is left for the next run), one failing dataset reported while the others are done, the
command's exit status, and the maintenance DAG that schedules it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner

from control import lease
from shucang import upkeep
from shucang.cli import main
from shucang.upkeep import UpkeepFailed, compact_published, raise_failures
from warehouse.manifest import ManifestFields, read_manifest
from warehouse.snapshots import publish_snapshot

DAG_FILE = Path(__file__).resolve().parents[2] / "dags" / "maintenance.py"
ELSEWHERE = "another-host:4242:1"  # a holder on another machine is never taken for gone


def _fields(dataset: str) -> ManifestFields:
    return ManifestFields(dataset=dataset, kind="feed", title=dataset, tier="district", owner="区数据局",
                          category="事件/网格事件", grade="L2", sharing="有条件共享", opening="受限开放",
                          update_frequency="daily", primary_key=["id"])


def _upserted(dataset: str, increments: int) -> int:
    """A base of 50 rows and `increments` one-key updates: that many small files and more."""
    def rows(ids: list[int], tag: str) -> pa.Table:
        return pa.table({"id": ids, "v": [f"{tag}{i}" for i in ids], "_load_id": [tag] * len(ids)})

    publish_snapshot(_fields(dataset), rows(list(range(50)), "a"), key=["id"])
    for i in range(increments):
        m = publish_snapshot(_fields(dataset), rows([i], f"u{i}"), key=["id"]).manifest
    return len(m.files)


@pytest.fixture
def two_datasets(home: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.setenv("SHUCANG_COMPACT_FILES", "2")
    assert _upserted("upkeep_a", 4) == _upserted("upkeep_b", 4) == 5
    return "upkeep_a", "upkeep_b"


def test_every_dataset_needing_it_is_compacted_and_then_left_alone(two_datasets: tuple[str, str]) -> None:
    done = compact_published()
    assert [(u.dataset, u.status) for u in done] == [("upkeep_a", "compacted"), ("upkeep_b", "compacted")]
    assert "50 rows in 5 -> 1 data files" in done[0].detail
    assert all(len(read_manifest(d).files) == 1 for d in two_datasets)
    assert [u.status for u in compact_published()] == ["unchanged", "unchanged"]


def test_a_dataset_whose_lease_is_held_is_left_for_the_next_run(two_datasets: tuple[str, str]) -> None:
    assert lease.try_acquire("upkeep_a", ELSEWHERE) is None  # a load elsewhere is working on it
    before = read_manifest("upkeep_a").snapshot_id
    done = compact_published()
    assert [(u.dataset, u.status) for u in done] == [("upkeep_a", "busy"), ("upkeep_b", "compacted")]
    assert ELSEWHERE in done[0].detail and read_manifest("upkeep_a").snapshot_id == before
    raise_failures(done)  # busy is not a failure
    lease.release("upkeep_a", ELSEWHERE)
    assert [u.status for u in compact_published(["upkeep_a"])] == ["compacted"]
    assert lease.current("upkeep_a") is None  # the upkeep let its lease go


def test_one_failing_dataset_does_not_stop_the_others(two_datasets: tuple[str, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    real = upkeep.compact

    def broken_for_a(dataset: str, exports: Path | None = None):  # type: ignore[no-untyped-def]
        if dataset == "upkeep_a":
            raise OSError("disk full")
        return real(dataset, exports)

    monkeypatch.setattr(upkeep, "compact", broken_for_a)
    done = compact_published()
    assert [(u.dataset, u.status) for u in done] == [("upkeep_a", "failed"), ("upkeep_b", "compacted")]
    with pytest.raises(UpkeepFailed, match=r"upkeep_a: failed \(OSError: disk full\)") as e:
        raise_failures(done)
    assert [u.dataset for u in e.value.failed] == ["upkeep_a"]
    assert lease.current("upkeep_a") is None
    result = CliRunner().invoke(main, ["warehouse", "compact"])  # a is still broken, b has nothing
    assert result.exit_code == 1
    assert "upkeep_b: unchanged" in result.output and "OSError: disk full" in result.output


def test_the_maintenance_dag_compacts_hourly(two_datasets: tuple[str, str]) -> None:
    pytest.importorskip("airflow.sdk", reason="Airflow is not installed")
    spec = importlib.util.spec_from_file_location("shucang_dags_maintenance", DAG_FILE)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    dag = mod.shucang_maintenance
    assert dag.dag_id == "shucang_maintenance" and dag.max_active_runs == 1
    assert dag.timetable.expression == "0 * * * *"
    (task,) = dag.tasks
    out = task.python_callable()
    assert [(r["dataset"], r["status"]) for r in out] == [("upkeep_a", "compacted"), ("upkeep_b", "compacted")]
