"""Live facts: timeliness, intervals from the ledger, match rate, optional sources, quarantine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from catalog.entry import build_catalog
from catalog.facts import gather, quarantine_reasons, timeliness
from control.ledger import LoadStatus, start_load, update_load


@pytest.mark.parametrize(
    ("age", "declared", "status"),
    [
        (None, 3600, "unpublished"),
        (100, 3600, "on_time"),
        (5400, 3600, "on_time"),
        (5401, 3600, "late"),
        (10800, 3600, "late"),
        (10801, 3600, "stale"),
        (10**9, None, "on_time"),
    ],
)
def test_timeliness(age: float | None, declared: int | None, status: str) -> None:
    assert timeliness(age, declared) == status


def record_load(dataset: str, finished: dt.datetime, rows_in: int, published: int) -> str:
    """A published load in the real ledger with the given finish time and counts."""
    load_id = start_load(dataset)
    update_load(
        load_id,
        status=LoadStatus.published,
        rows_in=rows_in,
        rows_published=published,
        rows_quarantined=rows_in - published,
        finished_at=finished,
    )
    return load_id


def test_facts_from_manifest_and_ledger(published: dict) -> None:
    now = dt.datetime.now(dt.UTC)
    for hours in (30, 20, 8):  # intervals 10 h and 12 h -> median 11 h
        record_load("grid_event", now - dt.timedelta(hours=hours), 100, 90)
    entries = build_catalog()
    facts = {f.dataset: f for f in gather(entries, now + dt.timedelta(hours=2))}
    g = facts["grid_event"]
    assert g.rows == 300 and g.loads == 3 and g.actual_seconds == 11 * 3600
    assert g.declared_seconds == 3600 and g.timeliness == "late"  # 2 h old, hourly
    assert facts["household_register"].timeliness == "unpublished"
    assert g.match_rate == pytest.approx(1 - 9 / 300)  # every 37th synthetic event is unmatched
    assert facts["parking_berth_occupancy"].match_rate is None  # no address
    assert facts["iot_water_level"].timeliness == "on_time"


def test_quarantine_reasons_are_counted(home: Path) -> None:
    folder = home / "quarantine" / "grid_event"
    folder.mkdir(parents=True)
    codes = ["cast", "cast", "check:mobile", "address_unresolved"]
    pq.write_table(
        pa.table(
            {"dataset": ["grid_event"] * 4, "load_id": ["l1"] * 4, "reason_code": codes, "reason": ["x"] * 4}
        ),
        folder / "l1.parquet",
    )
    assert quarantine_reasons() == [
        ("grid_event", "cast", 2),
        ("grid_event", "address_unresolved", 1),
        ("grid_event", "check:mobile", 1),
    ]


@pytest.mark.parametrize(
    ("events", "grants", "expected"),
    [
        ([], {"g1": ["a"]}, {}),
        ([{"outcome": "ok", "grant_id": "g1"}], {"g1": ["a", "b"]}, {"a": 1, "b": 1}),
        ([{"outcome": "refused", "grant_id": "g1"}], {"g1": ["a"]}, {}),
        ([{"outcome": "ok", "grant_id": None}], {"g1": ["a"]}, {}),
        ([{"outcome": "ok", "grant_id": "gone"}], {"g1": ["a"]}, {}),
        ([{"outcome": "ok", "grant_id": "g1"}] * 3, {"g1": ["a"]}, {"a": 3}),
    ],
)
def test_queries_are_attributed_through_grants(events: list, grants: dict, expected: dict) -> None:  # type: ignore[type-arg]
    from catalog.facts import queries_by_dataset

    assert queries_by_dataset(events, grants) == expected


def test_address_levels_count_quarantined_unresolved_rows(published: dict, home: Path) -> None:
    (load_id,) = published["grid_event"]["load_ids"]
    folder = home / "quarantine" / "grid_event"
    folder.mkdir(parents=True)
    pq.write_table(
        pa.table({"load_id": [load_id] * 4, "reason_code": ["address_unresolved"] * 3 + ["cast"]}),
        folder / f"{load_id}.parquet",
    )
    pq.write_table(
        pa.table({"load_id": ["older"], "reason_code": ["address_unresolved"]}), folder / "older.parquet"
    )  # not a load of the current snapshot
    facts = {f.dataset: f for f in gather(build_catalog())}
    g = facts["grid_event"]
    assert g.address_levels == {"community": 291, "unmatched": 9, "unresolved": 3}
    assert g.match_rate == round(291 / 303, 4)
    assert facts["grid_event_closure"].address_levels is None  # derived
