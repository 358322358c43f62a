"""Registry build: merge rules, provenance, versions and code stability."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from address_registry import match_many, store
from address_registry.registry import build_registry
from tests.support.address_sources import write_sources


@pytest.fixture
def built(home: Path) -> Path:
    write_sources(home / "feeds" / "registry")
    build_registry()
    return home


def _codes(version: int) -> dict[str, str]:
    _, tables, _ = store.read_version(version)
    houses = tables["houses"].to_pylist()
    return {f"{h['doorplate_ids'].split('|')[0]}": h["house_code"] for h in houses}


def test_versions_and_counts(built: Path) -> None:
    version, tables, manifest = store.read_version()
    assert version == 1
    assert manifest["counts"] == {"estates": 4, "buildings": 12, "houses": 76, "names": 9,
                                  "conflicts": 3}
    assert (built / "registry" / "v0001" / "houses.parquet").exists()


def test_rebuild_never_renumbers(built: Path) -> None:
    first = _codes(1)
    build_registry()
    assert _codes(2) == first


def test_source_order_does_not_change_codes(built: Path, tmp_path: Path) -> None:
    first = _codes(1)
    other = tmp_path / "other_home"
    write_sources(other / "feeds" / "registry", reverse=True)
    shutil.rmtree(built / "registry")
    build_registry(other / "feeds" / "registry")
    assert _codes(1) == first


def test_conflict_rule_and_provenance(built: Path) -> None:
    _, tables, _ = store.read_version()
    estates = {e["name"]: e for e in tables["estates"].to_pylist()}
    assert estates["金色家园"]["community_code"] == "330106005055"  # 公安 beats 民政
    assert estates["金色家园"]["community_source"] == "公安"
    assert estates["金都花园"]["name_source"] == "民政"
    rules = {c["attribute"]: c["rule"] for c in tables["conflicts"].to_pylist()}
    assert "公安 door plates > 民政" in rules["community"]
    buildings = tables["buildings"].to_pylist()
    assert sum(1 for b in buildings if b["lonlat_source"] == "规划") == 8


def test_codes_are_structured(built: Path) -> None:
    _, tables, _ = store.read_version()
    for h in tables["houses"].to_pylist():
        assert len(h["house_code"]) == 26 and h["house_code"].startswith(h["building_code"])
        assert h["building_code"][:12] in ("330106005055", "330106005056")


def test_new_building_gets_new_code_and_merge_keeps_older(built: Path) -> None:
    ledger = store.load_ledger()
    known = ledger.lookup("segment", "330106005055|E|金都花园")
    assert known is not None
    codes = ledger.assign("segment", [("3301060050552", ["330106005055|E|新建小区"])], 2)
    assert codes[0] not in {e.code for e in ledger.entries if e.key != "330106005055|E|新建小区"}
    other = ledger.lookup("segment", "330106005055|E|金色家园")
    assert other is not None
    merged = ledger.assign("segment", [("3301060050552", ["330106005055|E|金都花园",
                                                          "330106005055|E|金色家园"])], 3)
    assert merged == [min(known, other)]
    assert ledger.lookup("segment", "330106005055|E|金色家园") == min(known, other)
    assert ledger.merged() == {max(known, other): min(known, other)}


MATCHES = [
    # text, level, house room suffix (unit+room) or None
    ("西湖区翠苑街道文三路12号金都花园3幢2单元202室", "house", "020202"),
    ("金都新村3-2-202", "house", "020202"),  # former name + dash shorthand
    ("金都花园小区三号楼二单元二〇二室", "house", "020202"),  # alias + numerals
    ("浙商大厦1502室", "house", "001502"),  # tower: room only
    ("浙商中心1502室", "house", "001502"),  # alias of the tower
    ("文三路15号", "house", "000000"),  # street-front shop by door plate
    ("西湖区翠苑街道嘉绿苑小区2幢1单元101室", "house", "010101"),
    ("金都花园3幢", "building", None),
    ("文三路12号", "estate", None),
    ("西湖区文三路", "road", None),
    ("金都花园9幢", "estate", None),  # unknown building: stays at estate level
    ("西湖区翠苑街道", "street", None),
    ("不详", "none", None),
]


@pytest.mark.parametrize(("text", "level", "suffix"), MATCHES, ids=[m[0] for m in MATCHES])
def test_match_against_registry(built: Path, text: str, level: str, suffix: str | None) -> None:
    row = match_many([text]).to_pylist()[0]
    assert row["match_level"] == level
    if suffix is None:
        assert row["house_code"] is None
    else:
        assert row["house_code"] is not None and row["house_code"].endswith(suffix)


def test_ledger_file_is_written(built: Path) -> None:
    ledger = pq.read_table(built / "registry" / "ledger.parquet")
    assert set(ledger.column("kind").to_pylist()) >= {"segment", "building"}


def test_new_building_in_a_rebuild_keeps_every_old_code(built: Path) -> None:
    first = _codes(1)
    plates = built / "feeds" / "registry" / "doorplates.csv"
    with plates.open("a", encoding="utf-8") as f:  # 金都花园 gets a 4幢, listed last
        f.write("GA09999,西湖区,翠苑街道,翠苑一区社区,文三路,12号,金都花园,4幢,1单元,101室\n")
    build_registry()
    second = _codes(2)
    assert {k: second[k] for k in first} == first
    new = second["GA09999"]
    assert new not in first.values()
    assert new[:16] == first["GA00001"][:16]  # same estate segment, next building number
    _, tables, _ = store.read_version(2)
    estate_buildings = sorted(b["building_code"] for b in tables["buildings"].to_pylist()
                              if b["building_code"].startswith(new[:16]))
    assert estate_buildings[-1] == new[:20]
