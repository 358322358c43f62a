"""DCAT-AP JSON-LD export: structure, vocabularies and distributions (data files and the delete files
readers must apply)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from catalog.dcat import to_jsonld
from catalog.entry import build_catalog
from contracts.contract import load_contracts
from foundation.sql import literal, path
from warehouse.manifest import current_relation
from warehouse.publish import publish
from warehouse.snapshots import new_snapshot_id


def test_catalog_document_shape(published: dict) -> None:
    doc = json.loads(json.dumps(to_jsonld(build_catalog(), "https://x.test")))
    assert doc["@type"] == "dcat:Catalog" and doc["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    nodes = {n["@id"].rsplit("/", 1)[1]: n for n in doc["dcat:dataset"]}
    grid = nodes["grid_event"]
    assert grid["@type"] == "dcat:Dataset"
    assert grid["dct:title"] == {"@value": "网格事件", "@language": "zh"}
    assert grid["dct:accrualPeriodicity"]["@id"].endswith("/frequency/HOURLY")
    assert grid["dct:accessRights"]["@id"].endswith("/access-right/RESTRICTED")
    assert grid["shucang:sharingAttribute"] == "有条件共享"
    assert grid["dcat:theme"]["skos:prefLabel"]["@value"] == "事件/网格事件"
    (dist,) = grid["dcat:distribution"]
    assert dist["spdx:checksum"]["spdx:checksumValue"] == published["grid_event"].files[0].sha256
    assert "dct:modified" in grid
    assert nodes["household_register"]["dcat:distribution"] == []  # not published
    assert [s["@id"] for s in nodes["grid_event_closure"]["dct:source"]] == [
        "https://x.test/dataset/grid_event"
    ]


def test_every_dataset_has_identifier_and_publisher(home: Path) -> None:
    for node in to_jsonld(build_catalog())["dcat:dataset"]:
        assert node["dct:identifier"] and node["dct:publisher"]["foaf:name"]["@value"]


def test_data_items_carry_the_column_classification(home: Path) -> None:
    nodes = {n["@id"].rsplit("/", 1)[1]: n for n in to_jsonld(build_catalog(), "https://x.test")["dcat:dataset"]}
    items = {i["shucang:name"]: i for i in nodes["resident_evaluation"]["shucang:dataItem"]}
    event = items["event_id"]
    assert event["dcat:theme"] == {"@id": "https://x.test/category/0701",
                                   "skos:prefLabel": {"@value": "事件/网格事件", "@language": "zh"}}
    assert event["dct:publisher"]["foaf:name"]["@value"] == "社区居委会"
    assert event["dct:accrualPeriodicity"]["@id"].endswith("/frequency/DAILY")
    assert (event["shucang:tier"], event["shucang:importance"], event["shucang:sensitivityGrade"]) == (
        "community", "一般", "L1")
    assert event["shucang:addressGranularity"] is None
    assert items["score"]["dcat:theme"]["skos:prefLabel"]["@value"] == "基层自治/居民满意度"
    house = items["house_code"]
    assert (house["shucang:addressGranularity"], house["shucang:pii"], house["shucang:mask"]) == (
        "house", "address", "pseudonym")
    # the dataset node uses the same terms
    assert set(event) - {"shucang:name", "dct:title", "shucang:type", "shucang:pii", "shucang:mask"} <= set(
        nodes["resident_evaluation"])


def test_a_data_file_with_deletes_names_its_delete_file(published: dict, home: Path) -> None:
    load_id = new_snapshot_id()
    again = home / "again.parquet"  # one row of grid_event published again: its old row is deleted
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * REPLACE ({literal(load_id)} AS _load_id), 1 AS _row, 'again.csv' AS _file,"
                    f" 2 AS _line FROM {current_relation('grid_event')} LIMIT 1) TO {path(again)} (FORMAT parquet)")
    manifest = publish(load_contracts()["grid_event"], load_id, again).manifest
    (deleted,) = [f for f in manifest.files if f.deletes]
    nodes = {n["@id"].rsplit("/", 1)[1]: n for n in to_jsonld(build_catalog(), "https://x.test")["dcat:dataset"]}
    dists = {d["@id"].removeprefix("https://x.test/dataset/grid_event/"): d
             for d in nodes["grid_event"]["dcat:distribution"]}
    assert set(dists) == {f.path for f in manifest.files} | {deleted.deletes.path}
    assert dists[deleted.path]["dct:requires"] == {"@id": dists[deleted.deletes.path]["@id"]}
    assert dists[deleted.deletes.path]["spdx:checksum"]["spdx:checksumValue"] == deleted.deletes.sha256
    assert [d for d in dists.values() if "dct:requires" in d] == [dists[deleted.path]]
