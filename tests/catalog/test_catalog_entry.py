"""Catalog entries: national catalog core metadata, stable resource codes, live manifests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalog.entry import CatalogError, build_catalog, find_entry, resource_code
from contracts.contract import Grade, load_contracts


def test_every_contract_and_model_is_an_entry_with_core_metadata(home: Path) -> None:
    entries = build_catalog()
    ids = {e.id for e in entries}
    assert set(load_contracts()) <= ids and "community_operation_index" in ids
    for e in entries:
        assert e.title and e.provider and e.summary and e.data_items
        assert re.fullmatch(r"\d{4}/[1-4]\d{5}", e.resource_code), e.resource_code
        assert e.sharing in {"无条件共享", "有条件共享", "不予共享"}
        assert e.opening in {"无条件开放", "受限开放", "禁止开放"}
        assert e.grade in {"L1", "L2", "L3", "L4"} and e.update_frequency
        assert not e.published and e.publish_date is None


@pytest.mark.parametrize(
    ("dataset", "granularity", "pii"),
    [
        ("household_register", "house", ("address", "birth_date", "name", "resident_id")),
        ("parking_berth_occupancy", None, ()),
        ("grid_event_closure", "community", ()),
        ("iot_elevator_fault", "building", ()),
    ],
)
def test_governance_tags(home: Path, dataset: str, granularity: str | None, pii: tuple) -> None:  # type: ignore[type-arg]
    e = find_entry(build_catalog(), dataset)
    assert e.address_granularity == granularity and e.pii_kinds == pii


def test_resource_code_is_stable_and_shaped() -> None:
    assert resource_code("grid_event", "0701", "district") == resource_code("grid_event", "0701", "district")
    assert resource_code("grid_event", "0701", "district").startswith("0701/3")
    assert resource_code("x", None, "galaxy").startswith("0000/9")


def test_published_entry_carries_manifest_facts(published: dict) -> None:
    e = find_entry(build_catalog(), "grid_event")
    assert e.published and e.rows == published["grid_event"].rows
    assert e.publish_date == published["grid_event"].published_at.isoformat()
    assert e.data_items[0].type == "VARCHAR"


def test_manifest_only_dataset_is_listed(published: dict, home: Path) -> None:
    import pyarrow as pa

    from contracts.schema import SchemaColumn
    from warehouse.manifest import ManifestFields
    from warehouse.snapshots import publish_snapshot

    fields = ManifestFields(
        dataset="access_audit", kind="log", title="数据访问审计日志", tier="city", owner="市数据资源管理局",
        category="数据治理/访问审计", grade="L3", sharing="不予共享", opening="禁止开放",
        update_frequency="hourly",
    )
    table = pa.table({"actor": pa.array([], pa.string())})
    publish_snapshot(fields, table, declared=[SchemaColumn("actor", "", "操作人", Grade.L2)])
    e = find_entry(build_catalog(), "access_audit")
    assert e.kind == "published" and e.category_code == "1101" and e.data_items[0].title == "操作人"


def test_unknown_dataset_lists_known_ids(home: Path) -> None:
    with pytest.raises(KeyError, match="known: care_home_beds, community_operation_index"):
        find_entry(build_catalog(), "nope")


def test_resource_code_collision_is_refused(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("catalog.entry.resource_code", lambda *_: "0000/000000")
    with pytest.raises(CatalogError, match="share resource code 0000/000000"):
        build_catalog()
