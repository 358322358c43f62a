"""The typed manifest: a round trip through manifest.json, and `upgrade_manifest` reading every shape
the three writers wrote before the model had a version (one case per shape)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contracts.contract import Grade
from contracts.schema import SchemaColumn
from warehouse.manifest import (
    SCHEMA_VERSION,
    Manifest,
    ManifestError,
    read_manifest,
    swap_manifest,
    upgrade_manifest,
)

FILE = {"path": "snapshots/20261122T000000000000-0a1b2c3d/part-0.parquet", "rows": 2, "bytes": 900,
        "sha256": "ab" * 32}
DATASET = {"title": "网格事件", "contract_version": 3, "tier": "district", "owner": "区社会治理综合指挥中心",
           "category": "事件/网格事件", "grade": "L3", "importance": "一般", "sharing": "有条件共享",
           "opening": "受限开放", "update_frequency": "hourly"}
SNAPSHOT = {"snapshot_id": "20261122T000000000000-0a1b2c3d", "published_at": "2026-11-22T00:00:00+00:00",
            "rows": 2, "files": [FILE], "quality_score": 0.98}
FULL_PHONE = {"name": "reporter_phone", "type": "VARCHAR", "title": "上报人电话", "grade": "L3", "pii": "phone",
              "mask": "phone", "category": "事件/网格事件", "tier": "district", "owner": "区社会治理综合指挥中心",
              "address_granularity": None, "update_frequency": "hourly", "importance": "一般"}
BARE_PHONE = {k: FULL_PHONE[k] for k in ("name", "type", "title", "grade", "pii", "mask")}
BARE_HOUSE = {"name": "house_code", "type": "VARCHAR", "title": "房屋代码", "grade": "L3", "pii": "address",
              "mask": "pseudonym"}

# (case, raw manifest.json, kind, primary key, the phone column's category, house_code's granularity)
SHAPES: list[tuple[str, dict[str, Any], str, list[str], str, str | None]] = [
    ("fed, columns fully classified", {"dataset": "grid_event", **DATASET, **SNAPSHOT,
     "schema": [FULL_PHONE, {**BARE_HOUSE, **{k: FULL_PHONE[k] for k in ("category", "tier", "owner",
                 "update_frequency", "importance")}, "address_granularity": "house"}],
     "primary_key": ["event_id"], "load_ids": ["L1"]}, "feed", ["event_id"], "事件/网格事件", "house"),
    ("fed, columns before they carried classification", {"dataset": "grid_event", **DATASET, **SNAPSHOT,
     "schema": [BARE_PHONE, BARE_HOUSE], "primary_key": ["event_id"], "load_ids": ["L1", "L2"]},
     "feed", ["event_id"], "事件/网格事件", "house"),
    ("derived model", {"dataset": "grid_event_closure", **DATASET, **SNAPSHOT, "schema": [BARE_PHONE, BARE_HOUSE],
     "load_ids": [], "kind": "derived", "engine": "duckdb",
     "inputs": [{"dataset": "grid_event", "snapshot_id": "S1"}],
     "lineage": {"reporter_phone": {"sources": ["grid_event.reporter_phone"], "direct": True}},
     "sql_sha256": "cd" * 32}, "model", [], "事件/网格事件", "house"),
    ("audit log", {"dataset": "access_audit", **DATASET, "category": "数据治理/访问审计", **SNAPSHOT,
     "schema": [BARE_PHONE, {"name": "statement", "type": "VARCHAR", "title": "原始语句", "grade": "L3",
                             "pii": None, "mask": None}], "load_ids": []},
     "log", [], "数据治理/访问审计", None),
    ("hand-built: no importance, title or column titles", {
     "dataset": "access_audit", **{k: v for k, v in DATASET.items() if k not in ("importance", "title")},
     **SNAPSHOT, "schema": [{"name": "reporter_phone", "grade": "L3"}, {"name": "house_code"}]},
     "log", [], "事件/网格事件", "house"),
]


@pytest.mark.parametrize(("case", "raw", "kind", "key", "category", "granularity"), SHAPES,
                         ids=[s[0] for s in SHAPES])
def test_upgrade_reads_every_old_shape(case: str, raw: dict[str, Any], kind: str, key: list[str],
                                       category: str, granularity: str | None) -> None:
    m = upgrade_manifest(raw)
    assert (m.schema_version, m.kind, m.primary_key, m.rows, m.files[0].sha256) == (
        SCHEMA_VERSION, kind, key, 2, "ab" * 32)
    phone = m.columns[0]
    assert (phone.grade, phone.category, phone.tier, phone.owner, phone.update_frequency) == (
        Grade.L3, category, "district", "区社会治理综合指挥中心", "hourly")
    assert m.columns[1].address_granularity == granularity
    assert m.importance == "一般" and m.title  # the GB/T 43697 base level; the id when untitled
    assert upgrade_manifest(m.as_json()) == m  # once upgraded, it reads back as it is


def test_model_fields_survive_the_upgrade() -> None:
    m = upgrade_manifest(SHAPES[2][1])
    assert m.engine == "duckdb" and m.inputs[0].snapshot_id == "S1" and m.sql_sha256 == "cd" * 32
    assert m.lineage["reporter_phone"].sources == ["grid_event.reporter_phone"]


@pytest.mark.parametrize(("raw", "message"), [
    ({"schema_version": SCHEMA_VERSION + 1, "dataset": "x"}, "reads versions 1 to 3: upgrade shucang"),
    ({"dataset": "x", "schema_version": "2"}, "schema_version '2'"),
    ({"dataset": "x", **SNAPSHOT, "schema": []}, "grade"),  # classification is never guessed
    ({"dataset": "x", **DATASET, **SNAPSHOT, "rows": 3, "schema": []}, "rows=3 but the files hold 2"),
    ({"schema_version": 2, "dataset": "x", **DATASET, **SNAPSHOT, "kind": "feed", "schema": [],
      "colour": "red"}, "colour"),
])
def test_a_manifest_that_cannot_be_read_says_why(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        upgrade_manifest(raw)


def test_round_trip_through_manifest_json(home: Path) -> None:
    m = Manifest.model_validate({
        "dataset": "grid_event", "kind": "feed", **DATASET, **SNAPSHOT, "primary_key": ["event_id"],
        "load_ids": ["L1"], "schema": [SchemaColumn("reporter_phone", "VARCHAR", "上报人电话", Grade.L3, "phone",
                                                     "phone", "事件/网格事件", "district", "区社会治理综合指挥中心",
                                                     None, "hourly", "一般")]})
    path = swap_manifest(m)
    assert path == home / "exports" / "grid_event" / "manifest.json"
    assert path.read_text("utf-8").startswith('{\n  "schema_version": 3,')
    assert read_manifest("grid_event") == m
    assert read_manifest("grid_event", snapshot_id=m.snapshot_id) == m  # kept for time travel
    assert m.column("reporter_phone").pii == "phone"
    with pytest.raises(KeyError, match="has no column 'nope'; it has reporter_phone"):
        m.column("nope")
