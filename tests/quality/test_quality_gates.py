"""Every batch gate fires on a broken import and stays quiet on a normal one; the first loads
of a feed (no history) pass. Broken imports: a halved or truncated load, a spike, a column of
nulls, collapsed distinct keys, a drifted schema, unmatched addresses, a late feed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import update

from contracts.contract import Contract
from control.db import engine
from control.ledger import LoadStatus, loads, start_load, update_load
from quality.gates import Profile, Thresholds, feed_lateness, history, row_count_gates
from quality.store import record_validation
from tests.support.quality_staged import contract, rows, schema, write

HISTORY_ROWS = 100


def publish_history(c: Contract, n: int = 3, rows_in: int = HISTORY_ROWS,
                    null_rates: dict[str, float] | None = None, distinct: int | None = None) -> None:
    """`n` earlier published loads of `c` in the ledger, with quality metrics as validate stored."""
    for _ in range(n):
        load_id = start_load(c.id)
        update_load(load_id, status=LoadStatus.published, rows_in=rows_in, rows_published=rows_in,
                    rows_quarantined=0)
        rates = {col.name: 0.0 for col in c.columns} | (null_rates or {})
        prof = Profile(rows_in, rates, distinct if distinct is not None else rows_in,
                       c.primary_key[0])
        record_validation({"load_id": load_id, "dataset": c.id, "rows": rows_in, "failing_rows": 0,
                           "failures": 0, "score": 100.0, "passed": True, "suite": "s",
                           "result_path": ""}, prof.metrics(), [])


def new_load(home: Path, c: Contract, records: list[dict], arrow_schema: pa.Schema | None = None):
    """Validate `records` as a new load of `c` recorded in the ledger with rows_in = len(records)."""
    from quality.validate import validate_load

    load_id = start_load(c.id)
    update_load(load_id, status=LoadStatus.addressed, rows_in=len(records))
    data = write(home / "staging" / c.id / load_id / "addressed.parquet", c, records, arrow_schema)
    return validate_load(c, data, load_id=load_id)


def blocking(report) -> set[str]:  # type: ignore[no-untyped-def]
    return {g.name for g in report.blocking}


def test_first_loads_of_a_feed_pass_every_gate(home: Path) -> None:
    c = contract("floating_population")
    report = new_load(home, c, rows(c, 7))  # tiny, and no history to compare with
    assert not report.blocking
    names = {g.name for g in report.gates}
    assert {"schema_drift", "row_count_collapse", "row_count_spike", "null_rate_jump",
            "distinct_key_collapse", "address_match_rate"} <= names


@pytest.mark.parametrize(("rows_now", "fired"), [
    (50, {"row_count_collapse", "distinct_key_collapse"}),  # a halved import
    (30, {"row_count_collapse", "distinct_key_collapse"}),  # a file truncated part-way
    (400, {"row_count_spike"}),  # the same rows delivered four times over
    (100, set()),  # a normal day
])
def test_row_count_gates(home: Path, rows_now: int, fired: set[str]) -> None:
    c = contract("floating_population")
    publish_history(c)
    report = new_load(home, c, rows(c, rows_now))
    assert blocking(report) == fired
    for g in report.blocking:
        assert g.reason_code == f"rejected:gate:{g.name}"
        assert "floating_population" in g.message


@pytest.mark.parametrize(("rows_now", "collapse", "spike"), [
    (59, True, False), (60, False, False), (70, False, False), (250, False, False),
    (300, False, False), (301, False, True), (0, True, False),
])
def test_row_count_band(home: Path, rows_now: int, collapse: bool, spike: bool) -> None:
    c = contract("floating_population")
    publish_history(c)
    load_id = start_load(c.id)
    update_load(load_id, rows_in=rows_now)
    prof = Profile(rows_now, {}, rows_now, "resident_id")
    past = history(c.id, load_id, 10)
    fired = {g.name for g in row_count_gates(c, load_id, prof, past, Thresholds()) if not g.passed}
    assert fired == {n for n, on in [("row_count_collapse", collapse), ("row_count_spike", spike)]
                     if on}


def test_rejected_loads_do_not_lower_the_baseline(home: Path) -> None:
    c = contract("floating_population")
    publish_history(c)
    halved = new_load(home, c, rows(c, 50))
    assert "row_count_collapse" in blocking(halved)
    with engine().begin() as conn:
        conn.execute(update(loads).where(loads.c.load_id == halved.load_id)
                     .values(status=LoadStatus.rejected))
    assert "row_count_collapse" in blocking(new_load(home, c, rows(c, 50)))


def test_a_column_of_nulls_fires_the_null_rate_gate(home: Path) -> None:
    c = contract("floating_population")
    publish_history(c)
    records = rows(c, HISTORY_ROWS)
    for r in records:
        r["phone"] = None
    report = new_load(home, c, records)
    assert blocking(report) == {"null_rate_jump"}
    (gate,) = report.blocking
    assert "phone 100.0%" in gate.message


def test_usual_nulls_stay_quiet(home: Path) -> None:
    c = contract("floating_population")
    publish_history(c, null_rates={"phone": 0.3})
    records = rows(c, HISTORY_ROWS)
    for r in records[:40]:
        r["phone"] = None  # 40% against a usual 30%
    assert not new_load(home, c, records).blocking


def test_distinct_key_collapse_fires_on_a_compound_key(home: Path) -> None:
    c = contract("iot_water_level")
    publish_history(c, distinct=20)  # 20 sensors used to report
    records = rows(c, HISTORY_ROWS)
    for r in records:
        r["sensor_id"] = "WL000001" if r["_row"] % 2 else "WL000002"
        r["observed_at"] = dt.datetime(2024, 5, 1) + dt.timedelta(minutes=r["_row"])
    assert blocking(new_load(home, c, records)) == {"distinct_key_collapse"}


def test_distinct_keys_as_usual_stay_quiet(home: Path) -> None:
    c = contract("iot_water_level")
    publish_history(c, distinct=HISTORY_ROWS)
    assert not new_load(home, c, rows(c, HISTORY_ROWS)).blocking


@pytest.mark.parametrize(("change", "problem"), [
    ("drop", "missing water_level_cm"),
    ("retype", "water_level_cm is string, contract says double"),
    ("extra", "unexpected column remark"),
])
def test_schema_drift_rejects_the_load_before_validating(home: Path, change: str,
                                                         problem: str) -> None:
    c = contract("iot_water_level")
    records = rows(c, 5)
    s = schema(c)
    i = s.get_field_index("water_level_cm")
    if change == "drop":
        s = s.remove(i)
        for r in records:
            del r["water_level_cm"]
    elif change == "retype":
        s = s.set(i, pa.field("water_level_cm", pa.string()))
        for r in records:
            r["water_level_cm"] = str(r["water_level_cm"])
    else:
        s = s.append(pa.field("remark", pa.string()))
    report = new_load(home, c, records, s)
    assert blocking(report) == {"schema_drift"}
    assert problem in report.blocking[0].message
    assert report.result_path is None and report.score == 0.0


@pytest.mark.parametrize(("levels", "fires"), [
    (["house"] * 8 + ["none"] * 2, True),  # 80% < 90%
    (["house"] * 8 + [None] * 2, True),  # nulls count as unmatched
    (["house"] * 9 + ["none"], False),  # exactly 90%
    (["community"] * 5 + ["building"] * 5, False),  # community counts for a house contract
])
def test_address_match_rate(home: Path, levels: list[str | None], fires: bool) -> None:
    c = contract("household_register")  # granularity house, min_match_rate 0.9
    records = rows(c, len(levels))
    for r, level in zip(records, levels, strict=True):
        r["match_level"] = level
    report = new_load(home, c, records)
    assert blocking(report) == ({"address_match_rate"} if fires else set())
    assert report.failures.num_rows == 0  # unmatched addresses are not row failures here


@pytest.mark.parametrize(("age", "frequency", "late"), [
    (dt.timedelta(hours=1), "daily", False),
    (dt.timedelta(hours=35), "daily", False),
    (dt.timedelta(days=3), "daily", True),
    (dt.timedelta(minutes=20), "15min", False),
    (dt.timedelta(hours=2), "15min", True),
])
def test_feed_lateness(home: Path, age: dt.timedelta, frequency: str, late: bool) -> None:
    c = contract("iot_water_level").model_copy(update={"update_frequency": frequency})
    load_id = start_load(c.id)
    now = dt.datetime.now(dt.UTC)
    update_load(load_id, status=LoadStatus.published, started_at=now - age)
    gate = feed_lateness(c, now=now)
    assert gate.passed is not late
    assert ("the feed is late" in gate.message) is late


def test_a_feed_never_published_is_not_late(home: Path) -> None:
    assert feed_lateness(contract("grid_event")).passed


def test_thresholds_are_configurable(home: Path) -> None:
    from quality.validate import validate_load

    c = contract("floating_population")
    publish_history(c)
    data = write(home / "staging" / c.id / "x" / "addressed.parquet", c, rows(c, 80))
    assert validate_load(c, data, load_id="strict", thresholds=Thresholds(row_collapse=0.9)).blocking
