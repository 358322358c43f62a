"""DCAT-AP JSON-LD export: structure, vocabularies and distributions."""

from __future__ import annotations

import json
from pathlib import Path

from catalog.dcat import to_jsonld
from catalog.entry import build_catalog


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
    assert dist["spdx:checksum"]["spdx:checksumValue"] == published["grid_event"]["files"][0]["sha256"]
    assert "dct:modified" in grid
    assert nodes["household_register"]["dcat:distribution"] == []  # not published
    assert [s["@id"] for s in nodes["grid_event_closure"]["dct:source"]] == [
        "https://x.test/dataset/grid_event"
    ]


def test_every_dataset_has_identifier_and_publisher(home: Path) -> None:
    for node in to_jsonld(build_catalog())["dcat:dataset"]:
        assert node["dct:identifier"] and node["dct:publisher"]["foaf:name"]["@value"]
