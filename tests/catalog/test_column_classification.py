"""Every column carries its full classification: the inheritance rules for contract columns and the
schema a publish writes into the manifest (old manifests: tests/warehouse/test_manifest.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from contracts.contract import load_contracts
from contracts.schema import SchemaColumn, published_schema
from tests.support.synthetic_inputs import synthetic_rows, table_for
from warehouse.manifest import read_manifest
from warehouse.publish import publish
from warehouse.snapshots import new_snapshot_id


def _column(dataset: str, name: str) -> SchemaColumn:
    return next(c for c in published_schema(load_contracts()[dataset]) if c.name == name)


@pytest.mark.parametrize(
    ("dataset", "column", "category"),
    [
        ("resident_evaluation", "event_id", "事件/网格事件"),  # its own
        ("resident_evaluation", "score", "基层自治/居民满意度"),  # the dataset's
        ("resident_evaluation", "house_code", "基层自治/居民满意度"),  # address columns: the dataset's
        ("resident_evaluation", "_load_id", "基层自治/居民满意度"),
        ("parking_lot", "capacity", "交通治理类/停车设施"),
    ],
)
def test_own_category_else_the_datasets(dataset: str, column: str, category: str) -> None:
    assert _column(dataset, column).category == category


@pytest.mark.parametrize(
    ("dataset", "column", "granularity"),
    [
        ("resident_evaluation", "address", "community"),  # the address text: the contract's granularity
        ("resident_evaluation", "district_code", "district"),
        ("resident_evaluation", "street_code", "street"),
        ("resident_evaluation", "community_code", "community"),
        ("resident_evaluation", "building_code", "building"),
        ("resident_evaluation", "house_code", "house"),
        ("resident_evaluation", "lon", "building"),  # the matched building's coordinates
        ("resident_evaluation", "match_level", None),
        ("resident_evaluation", "phone", None),
        ("grid_event", "location", "community"),
        ("parking_lot", "lot_id", None),
    ],
)
def test_address_granularity_is_what_the_column_pinpoints(dataset: str, column: str, granularity: str) -> None:
    assert _column(dataset, column).address_granularity == granularity


def test_tier_owner_frequency_importance_are_the_datasets() -> None:
    for c in load_contracts().values():
        tags = {(col.tier, col.owner, col.update_frequency, col.importance) for col in published_schema(c)}
        assert tags == {(str(c.tier), c.owner, c.update_frequency, str(c.importance))}, c.id


def test_manifest_keeps_the_old_keys_and_adds_the_classification() -> None:
    m = _column("resident_evaluation", "event_id").as_manifest()
    assert m == {"name": "event_id", "type": "VARCHAR", "title": "关联事件编号", "grade": "L1", "pii": None,
                 "mask": None, "category": "事件/网格事件", "tier": "community", "owner": "社区居委会",
                 "address_granularity": None, "update_frequency": "daily", "importance": "一般"}


def test_published_manifest_schema_carries_the_classification(home: Path) -> None:
    contract = load_contracts()["resident_evaluation"]
    data = home / "addressed.parquet"
    con = duckdb.connect()
    load_id = new_snapshot_id()
    con.register("staged", table_for(contract, synthetic_rows()["resident_evaluation"], load_id))
    con.execute("COPY (SELECT *, row_number() OVER () AS _row, 'a.xlsx' AS _file, _row + 1 AS _line"
                f" FROM staged) TO '{data}' (FORMAT parquet)")
    con.close()
    publish(contract, load_id, data)
    schema = {c.name: c.as_manifest() for c in read_manifest("resident_evaluation").columns}
    declared = {c.name: c.as_manifest() for c in published_schema(contract)}
    for name, col in declared.items():
        assert {k: schema[name][k] for k in col if k != "type"} == {k: v for k, v in col.items() if k != "type"}
    assert schema["event_id"]["category"] == "事件/网格事件"
    assert schema["house_code"]["address_granularity"] == "house"
    assert schema["_row"]["category"] == "基层自治/居民满意度" and schema["_row"]["grade"] == "L1"
    assert schema["score"]["type"] == "BIGINT"
