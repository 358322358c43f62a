"""The registry sources: three sources with their own conventions, deliberate conflicts between
them, the truth table, and the address truth of every address string written into a feed."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

from feeds.sample.registry import DOORPLATE_HEADERS, PLACENAME_HEADERS

from .conftest import file_encoding, read_lines


@pytest.fixture(scope="module")
def sources(sample):
    reg = sample.out / "registry"
    with (reg / "doorplates.csv").open(encoding="utf-8", newline="") as f:
        doorplates = list(csv.DictReader(f))
    with (reg / "placenames.csv").open(encoding="utf-8", newline="") as f:
        placenames = list(csv.DictReader(f))
    return {
        "doorplates": doorplates,
        "placenames": placenames,
        "footprints": json.loads((reg / "footprints.geojson").read_text(encoding="utf-8")),
        "truth": pq.read_table(reg / "truth.parquet").to_pylist(),
        "conflicts": json.loads((reg / "conflicts.json").read_text(encoding="utf-8")),
        "address_truth": pq.read_table(reg / "address_truth.parquet").to_pylist(),
    }


def test_source_layouts(sample, sources) -> None:
    reg = sample.out / "registry"
    assert (reg / "doorplates.csv").read_text(encoding="utf-8").splitlines()[0] == ",".join(DOORPLATE_HEADERS)
    assert (reg / "placenames.csv").read_text(encoding="utf-8").splitlines()[0] == ",".join(PLACENAME_HEADERS)
    d = sources["doorplates"]
    assert len({r["门牌编号"] for r in d}) == len(d)
    assert all(r["楼幢"] == "" or r["楼幢"].endswith("幢") for r in d)
    assert any(r["小区"] and not r["道路"] for r in d), "some estates have no road + number"
    p = sources["placenames"]
    assert {r["类别"] for r in p} <= {"小区", "大厦", "园区", "村"} and {"小区", "大厦", "村"} <= {
        r["类别"] for r in p
    }
    assert any("|" in r["别名"] or r["别名"] for r in p) and any(r["曾用名"] for r in p)
    fc = sources["footprints"]
    assert fc["type"] == "FeatureCollection"
    ids = set()
    for f in fc["features"]:
        assert f["geometry"]["type"] == "Polygon"
        ring = f["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) == 5
        assert all(119.9 <= x <= 120.5 and 30.0 <= y <= 30.5 for x, y in ring)
        props = f["properties"]
        assert set(props) == {"bldg_id", "estate", "building_no", "road", "road_number", "floors"}
        assert props["building_no"] is None or props["building_no"].endswith(("号楼", "栋"))
        ids.add(props["bldg_id"])
    assert len(ids) == len(fc["features"])


def test_truth_covers_every_house(sources) -> None:
    truth = sources["truth"]
    keys = [r["house_key"] for r in truth]
    assert len(set(keys)) == len(keys)
    for r in truth:
        assert len(r["community_code"]) == 12 and r["community_code"].startswith(r["street_code"])
        assert r["street_code"].startswith(r["district_code"]) and r["district_code"].startswith("3301")
    doorplate_houses = len(sources["doorplates"])
    assert doorplate_houses < len(truth), "some buildings are missing from the doorplates"


def test_conflicts_are_real_disagreements(sources) -> None:
    conflicts = sources["conflicts"]
    assert {(c["kind"], c["source"]) for c in conflicts} == {
        ("estate_spelling", "doorplates"),
        ("estate_spelling", "footprints"),
        ("doorplate_without_road", "doorplates"),
        ("building_missing", "doorplates"),
        ("building_missing", "footprints"),
    }
    truth_estates = {r["estate_key"]: r["estate"] for r in sources["truth"]}
    footprint_ids = {f["properties"]["bldg_id"] for f in sources["footprints"]["features"]}
    planning_names = {f["properties"]["estate"] for f in sources["footprints"]["features"]}
    doorplate_estates = {r["小区"] for r in sources["doorplates"]}
    for c in conflicts:
        if c["kind"] == "estate_spelling":
            assert c["detail"] != truth_estates[c["key"]]
            assert c["detail"] in (doorplate_estates if c["source"] == "doorplates" else planning_names)
        if c["kind"] == "building_missing" and c["source"] == "footprints":
            assert f"GH{c['key']}" not in footprint_ids
        if c["kind"] == "building_missing" and c["source"] == "doorplates":
            assert f"GH{c['key']}" in footprint_ids  # the coordinate is only in the footprints
    houses = len(sources["truth"])
    assert len(conflicts) < 0.05 * houses


def test_address_truth_matches_what_was_written(sample, contracts, dirt, sources) -> None:
    rows = sources["address_truth"]
    houses = {r["house_key"] for r in sources["truth"]}
    assert rows and {r["dataset"] for r in rows} == {c.id for c in contracts.values() if c.address}
    by_file = {}
    for r in rows:
        by_file.setdefault((r["dataset"], r["file"]), []).append(r)
        if r["variant"] and r["variant"].startswith("garbage:"):
            assert r["house_key"] is None and r["community_code"] is None
        else:
            assert r["community_code"] is not None
            assert r["house_key"] is None or r["house_key"] in houses
    for (dataset, name), entries in by_file.items():
        c = contracts[dataset]
        path = next(p for p in sample.files[dataset] if p.name == name)
        header, lines = read_lines(path, c, file_encoding(sample, c, name, dirt))
        col = header.index(c.column(c.address.column).source_name)
        truncated = any(d["file"] == name and d["expect"] == "rejected:truncated" for d in dirt)
        for e in entries:
            if truncated and e["line"] == max(lines):
                continue
            assert lines[e["line"]][col] == e["address"], (dataset, name, e["line"])
