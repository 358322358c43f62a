"""Running models on DuckDB over published snapshots: results checked against the same figures
computed independently in Python from the synthetic rows, publishing, skipping and errors."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from tests.support.synthetic_inputs import publish_synthetic, synthetic_rows
from transforms.model import load_models
from transforms.runner import (
    MissingInputError,
    ModelOutputError,
    check_output,
    execute,
    run_model,
    run_models,
)
from warehouse.manifest import current_relation, read_manifest
from warehouse.snapshots import keep_snapshots


def _rows(dataset: str) -> list[dict[str, Any]]:
    return duckdb.sql(f"SELECT * FROM {current_relation(dataset)}").to_arrow_table().to_pylist()


def test_run_all_publishes_every_model_with_lineage(published: dict) -> None:
    results = run_models()
    assert [r.status for r in results] == ["published"] * len(load_models())
    m = read_manifest("grid_event_closure")
    assert m.kind == "model" and m.grade == "L3" and m.rows == len(_rows("grid_event_closure"))
    assert {i.dataset: i.snapshot_id for i in m.inputs} == {
        "grid_event": published["grid_event"].snapshot_id
    }
    assert m.lineage["overdue"].sources == [
        "grid_event.closed_at",
        "grid_event.deadline_at",
        "grid_event.level",
        "grid_event.reported_at",
    ]
    assert m.lineage["escalations"].sources == ["grid_event.escalated", "grid_event.escalated_at"]
    assert [c.name for c in m.columns][:3] == ["scope", "street_code", "community_code"]
    assert all(f.sha256 and f.rows == m.rows for f in m.files)


def test_berth_index_matches_python(published: dict) -> None:
    run_model("parking_berth_index")
    got = {(r["lot_id"], r["hour_start"]): r for r in _rows("parking_berth_index")}
    rates: dict[tuple, list[float]] = defaultdict(list)
    for o in synthetic_rows()["parking_berth_occupancy"]:
        rates[(o["lot_id"], o["observed_at"].replace(minute=0))].append(o["occupied"] / o["capacity"])
    assert len(got) == len(rates)
    for key, values in rates.items():
        assert got[key]["berth_index"] == pytest.approx(100 * sum(values) / len(values), abs=0.006)
        assert got[key]["samples"] == len(values)


def _closure_counts() -> dict[tuple, dict[str, int]]:
    """Per (scope, street, community): the grid_event_closure counts computed from the raw events."""
    events = [e for e in synthetic_rows()["grid_event"] if e.get("street_code")]
    as_of = max(e["reported_at"] for e in synthetic_rows()["grid_event"])
    by_level = {1: 72, 2: 48, 3: 24, 4: 12}  # only where the feed sends no deadline
    per: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in events:
        deadline = e["deadline_at"] or e["reported_at"] + dt.timedelta(hours=by_level[e["level"]])
        for key in (
            ("community", e["street_code"], e["community_code"]),
            ("street", e["street_code"], None),
        ):
            per[key]["events"] += 1
            per[key]["closed"] += e["closed_at"] is not None
            per[key]["escalations"] += bool(e["escalated"]) or e["escalated_at"] is not None
            per[key]["overdue"] += (e["closed_at"] or as_of) > deadline
            per[key]["level_deadlines"] += e["deadline_at"] is None
    return per


def test_closure_statistics_match_python(published: dict) -> None:
    run_model("grid_event_closure")
    got = {(r["scope"], r["street_code"], r["community_code"]): r for r in _rows("grid_event_closure")}
    per = _closure_counts()
    assert set(got) == set(per)
    for key, want in per.items():
        assert {k: got[key][k] for k in want} == dict(want), key
    assert {r["as_of"] for r in got.values()} == {max(e["reported_at"] for e in synthetic_rows()["grid_event"])}
    # the fixture exercises every branch: feed deadlines and level fallbacks, flags and bare times
    assert all(per[k]["level_deadlines"] < per[k]["events"] for k in per)
    assert sum(p["level_deadlines"] for p in per.values()) > 0
    assert any(e["escalated"] is None and e["escalated_at"] for e in synthetic_rows()["grid_event"])


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = a, b
    h = (
        math.sin(math.radians(lat2 - lat1) / 2) ** 2
        + math.cos(math.radians(lat1))
        * math.cos(math.radians(lat2))
        * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_tidal_spare_sums_lots_within_one_km(published: dict) -> None:
    run_model("parking_tidal_spare")
    got = {r["community_code"]: r for r in _rows("parking_tidal_spare")}
    lots = synthetic_rows()["parking_lot"]
    spare: dict[tuple[str, str], list[int]] = defaultdict(list)
    for o in synthetic_rows()["parking_berth_occupancy"]:
        h = o["observed_at"].hour
        window = "day" if 8 <= h < 18 else "night" if h >= 20 or h < 7 else "other"
        spare[(o["lot_id"], window)].append(o["capacity"] - o["occupied"])
    mean = {k: sum(v) / len(v) for k, v in spare.items()}
    centres: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for lot in lots:
        centres[lot["community_code"]].append((lot["lon"], lot["lat"]))
    for code, pts in centres.items():
        c = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        near = [lot["lot_id"] for lot in lots if _km(c, (lot["lon"], lot["lat"])) <= 1.0]
        assert got[code]["lots_near"] == len(near)
        assert got[code]["lots_inside"] == len(pts)
        for window in ("day", "night"):
            want = sum(mean[(lot, window)] for lot in near)
            assert got[code][f"{window}_spare_berths"] == pytest.approx(want, abs=0.051)
    # unit lots are full by day and empty at night in the fixture: tidal berths exist
    assert sum(r["unit_night_spare"] or 0 for r in got.values()) > 0


def _per_community(dataset: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in synthetic_rows()[dataset]:
        if r.get("community_code"):
            out[r["community_code"]].append(r)
    return out


def test_operation_index_matches_python(published: dict) -> None:
    run_models(["grid_event_closure", "community_operation_index"])
    got = {r["community_code"]: r for r in _rows("community_operation_index")}
    closure = {k[2]: v for k, v in _closure_counts().items() if k[0] == "community"}
    faults, water = _per_community("iot_elevator_fault"), _per_community("iot_water_level")
    vols, evals = _per_community("timebank_volunteer"), _per_community("resident_evaluation")
    assert set(got) == set(closure) | set(faults) | set(water) | set(vols) | set(evals)
    assert set(got) - set(evals), "the fixture has a community without evaluations"
    for code, row in got.items():
        ev = closure.get(code, {"events": 0, "closed": 0, "overdue": 0})
        closed = round(ev["closed"] / ev["events"], 4) if ev["events"] else 1.0
        overdue = round(ev["overdue"] / ev["events"], 4) if ev["events"] else 0.0
        scores = [e["score"] for e in evals.get(code, [])]
        shrunk = (sum(scores) + 5 * 3) / (len(scores) + 5)
        alarms = sum(w["water_level_cm"] >= 20 for w in water.get(code, []))
        want = (
            35 * closed
            + 15 * (1 - overdue)
            + 15 * (1 - min(1, len(faults.get(code, [])) / 10))
            + 10 * (1 - min(1, alarms / 20))
            + 10 * min(1, len(vols.get(code, [])) / 20)
            + 15 * (shrunk - 1) / 4
        )
        assert row["evaluations"] == len(scores), code
        assert row["dissatisfied"] == sum(s <= 2 for s in scores), code
        if scores:
            assert row["avg_satisfaction"] == pytest.approx(sum(scores) / len(scores), abs=0.006), code
        else:
            assert row["avg_satisfaction"] is None and row["shrunk_satisfaction"] == 3.0, code
        assert row["shrunk_satisfaction"] == pytest.approx(shrunk, abs=0.006), code
        assert row["operation_index"] == pytest.approx(want, abs=0.051), code
        assert 0 <= row["operation_index"] <= 100


def test_unchanged_inputs_skip_and_new_snapshot_rebuilds(published: dict) -> None:
    first = run_model("parking_berth_index", only_if_changed=True)
    again = run_model("parking_berth_index", only_if_changed=True)
    assert (first.status, again.status) == ("published", "unchanged")
    assert again.snapshot_id == first.snapshot_id
    publish_synthetic()  # new input snapshots
    assert run_model("parking_berth_index", only_if_changed=True).status == "published"


def test_missing_input_is_named(home: Path) -> None:
    with pytest.raises(MissingInputError, match="reads grid_event, which has no published snapshot"):
        run_model("grid_event_closure")


def test_model_reading_an_unbuilt_model_names_it(published: dict) -> None:
    with pytest.raises(MissingInputError, match="reads grid_event_closure"):
        run_model("community_operation_index")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pa.table({"community_code": ["1", "1"], "street_code": ["s", "s"]}), "is not unique"),
        (pa.table({"community_code": ["1"]}), "missing"),
    ],
)
def test_output_checks(table: pa.Table, message: str) -> None:
    model = load_models()["community_operation_index"]
    if "street_code" in table.column_names:
        cols = {c: [None] * table.num_rows for c in model.columns if c not in table.column_names}
        table = pa.table({**table.to_pydict(), **cols})
    with pytest.raises(ModelOutputError, match=message):
        check_output(model, table)


def test_duckdb_engine_never_opens_the_warehouse_file(published: dict, home: Path) -> None:
    execute(load_models()["parking_berth_index"])
    assert not (home / "warehouse.duckdb").exists()


def test_old_snapshots_are_pruned_current_kept(published: dict, home: Path) -> None:
    keep = keep_snapshots()
    ids = [run_model("grid_event_closure").snapshot_id for _ in range(keep + 2)]
    kept = sorted(p.stem for p in (home / "exports" / "grid_event_closure" / "snapshots").glob("*.json"))
    assert kept == ids[-keep:]
    assert read_manifest("grid_event_closure").snapshot_id == ids[-1]
    assert not list((home / "exports" / "grid_event_closure" / ".build").iterdir())
