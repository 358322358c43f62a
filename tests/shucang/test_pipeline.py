"""The five steps end to end without Airflow: conservation, idempotency, upsert, rejection that
leaves the warehouse as it was, and an atomic publish."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from control import ledger
from feeds.errors import LoadRejected
from shucang import pipeline
from tests.support.grid import GRID_HEADER, csv_bytes, grid_row
from warehouse import quarantine
from warehouse.manifest import NotPublishedError, read_manifest
from warehouse.query import ReadOnlyQueryError, query

pytestmark = pytest.mark.xdist_group("pipeline")


def _write(d: Path, name: str, rows: list[list[str]]) -> Path:
    p = d / name
    p.write_bytes(csv_bytes(GRID_HEADER, rows))
    return p


def _snapshot() -> tuple[str, list[tuple]]:
    m = read_manifest("grid_event")
    return m.snapshot_id, query("SELECT event_id, status, level FROM grid_event ORDER BY 1")[1]


def test_conservation_and_rerun_is_a_no_op(home: Path, grid_dir: Path) -> None:
    # ten good rows keep the match rate (10 of 11 rows that reach the address step) above 90%
    _write(grid_dir, "a.csv", [*(grid_row(i) for i in range(1, 11)), grid_row(11, 事件等级="高"),
                               grid_row(12, 发生地点="@@@ ###"), grid_row(1)])
    ref = pipeline.run_feed("grid_event")
    load = ledger.get_load(ref["load_id"])
    assert (load["rows_in"], load["rows_published"], load["rows_quarantined"]) == (13, 10, 3)
    ledger.assert_conserved(ref["load_id"])
    codes = sorted(quarantine.read("grid_event").column("reason_code").to_pylist())
    assert codes == ["address_unresolved", "cast", "duplicate_key"]
    before = _snapshot()
    manifest_bytes = (home / "exports/grid_event/manifest.json").read_bytes()
    assert pipeline.run_feed("grid_event") is None           # same bytes: nothing new
    assert _snapshot() == before
    assert (home / "exports/grid_event/manifest.json").read_bytes() == manifest_bytes
    assert len(ledger.list_loads("grid_event")) == 1


def test_the_match_rate_gate_counts_unresolved_addresses(home: Path, grid_dir: Path) -> None:
    # 2 of 10 addresses readable against min_match_rate 0.9: the gate sees all ten and rejects
    _write(grid_dir, "a.csv", [grid_row(1), grid_row(2),
                               *(grid_row(i, 发生地点=f"无法识别{i}") for i in range(3, 11))])
    with pytest.raises(pipeline.GateRejected, match="20.0% of addresses matched"):
        pipeline.run_feed("grid_event")
    (load,) = ledger.list_loads("grid_event")
    assert load["status"] == "rejected" and load["reason"].startswith("rejected:gate:address_match_rate")
    assert (load["rows_in"], load["rows_published"], load["rows_quarantined"]) == (10, 0, 10)
    with pytest.raises(NotPublishedError):
        read_manifest("grid_event")


def test_incremental_upsert_by_primary_key(home: Path, grid_dir: Path) -> None:
    _write(grid_dir, "a.csv", [grid_row(1, 处置状态="上报", 派发时间="", 处置时间="", 办结时间=""),
                               grid_row(2)])
    pipeline.run_feed("grid_event")
    _write(grid_dir, "b.csv", [grid_row(1), grid_row(3, 事件等级="4")])
    ref = pipeline.run_feed("grid_event")
    assert ledger.get_load(ref["load_id"])["rows_published"] == 2
    _, rows = _snapshot()
    assert rows == [("SJ202611200001", "办结", 2), ("SJ202611200002", "办结", 2),
                    ("SJ202611200003", "办结", 4)]
    m = read_manifest("grid_event")
    assert m.rows == 3 and len(m.load_ids) == 2
    assert m.columns[0].as_manifest() == {"name": "event_id", "type": "VARCHAR", "title": "事件编号", "grade": "L1",
                              "pii": None, "mask": None, "category": "事件/网格事件", "tier": "district",
                              "owner": "区社会治理综合指挥中心", "address_granularity": None,
                              "update_frequency": "hourly", "importance": "一般"}


def test_a_bad_file_is_refused_alone(home: Path, grid_dir: Path) -> None:
    _write(grid_dir, "good.csv", [grid_row(1), grid_row(2)])
    (grid_dir / "cut.csv").write_bytes(csv_bytes(GRID_HEADER, [grid_row(3), grid_row(4)])[:-30])
    (grid_dir / "utf16.csv").write_bytes(",".join(GRID_HEADER).encode("utf-16")[:-1])  # an odd byte
    ref = pipeline.run_feed("grid_event")
    load = ledger.get_load(ref["load_id"])
    assert (load["status"], load["files"], load["files_rejected"], load["rows_published"]) == (
        "published", 3, 2, 2)
    assert "rejected:truncated" in load["reason"] and "rejected:encoding" in load["reason"]
    q = {(r["source_file"], r["reason_code"]) for r in quarantine.read("grid_event").to_pylist()}
    assert q == {("district__grid_event__cut.csv", "rejected:truncated"),
                 ("district__grid_event__utf16.csv", "rejected:encoding")}


def test_rejected_load_leaves_the_warehouse_as_it_was(home: Path, grid_dir: Path) -> None:
    _write(grid_dir, "a.csv", [grid_row(1), grid_row(2)])
    pipeline.run_feed("grid_event")
    before = _snapshot()
    drifted = [h if h != "联系电话" else "手机号码" for h in GRID_HEADER]
    (grid_dir / "b.csv").write_bytes(csv_bytes(drifted, [grid_row(5)]))
    with pytest.raises(LoadRejected) as err:
        pipeline.run_feed("grid_event")
    assert err.value.reason_code == "rejected:schema_drift"
    assert "'联系电话' (reporter_phone) is missing" in err.value.message
    assert _snapshot() == before
    rejected = ledger.list_loads("grid_event")[0]
    assert rejected["status"] == "rejected" and rejected["reason"].startswith("rejected:schema_drift")


def test_publish_killed_after_the_snapshot_is_placed_is_retried(home: Path, grid_dir: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _write(grid_dir, "a.csv", [grid_row(1)])
    pipeline.run_feed("grid_event")
    before = _snapshot()
    _write(grid_dir, "b.csv", [grid_row(1, 事件等级="4"), grid_row(2)])

    # an error between placing the snapshot and swapping the manifest
    monkeypatch.setenv("SHUCANG_FAULT_POINT", "publish.placed:raise")
    with pytest.raises(pipeline.LoadFailed, match="failed in publish: FaultInjected: fault injected at publish.placed"):
        pipeline.run_feed("grid_event")
    assert _snapshot() == before  # manifest and view both still on the old snapshot
    current = json.loads((home / "exports/grid_event/manifest.json").read_text())
    assert all((home / "exports/grid_event" / f["path"]).exists() for f in current["files"])
    monkeypatch.delenv("SHUCANG_FAULT_POINT")
    (failed,) = ledger.unfinished_loads("grid_event")
    assert (failed["status"], failed["step"]) == ("failed", "validated")
    assert pipeline.run_feed("grid_event")["load_id"] == failed["load_id"]  # resumed, not skipped
    load = ledger.get_load(failed["load_id"])
    assert (load["status"], load["rows_published"], load["snapshot_id"]) == ("published", 2, failed["load_id"])
    assert _snapshot() == (failed["load_id"], [("SJ202611200001", "办结", 4), ("SJ202611200002", "办结", 2)])


@pytest.mark.parametrize(("sql", "message"), [
    ("DROP VIEW grid_event", "only queries are allowed, got DROP"),
    ("SELECT 1; SELECT 2", "expected one statement, got 2"),
    ("COPY grid_event TO '/tmp/x.csv'", "only queries are allowed"),
    ("SELECT * FROM read_csv('/etc/passwd')", "Permission Error"),
    ("SELECT * FROM read_text('/etc/hostname')", "Permission Error"),
])
def test_warehouse_query_is_read_only(home: Path, grid_dir: Path, sql: str, message: str) -> None:
    _write(grid_dir, "a.csv", [grid_row(1)])
    pipeline.run_feed("grid_event")
    with pytest.raises(Exception, match=message) as err:
        query(sql)
    assert isinstance(err.value, ReadOnlyQueryError) or "Permission" in str(err.value)
