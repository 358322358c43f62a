"""Houses in a building only the planning footprints know (金都花园4幢: no door plate lists its
houses): a room that fits the estate's door-plate layout gets the literal code a door plate would
give it, with its provenance in `reason`; anything else stays at building level."""

from __future__ import annotations

from pathlib import Path

import pytest

from address_registry import match_many, store
from address_registry.registry import build_registry
from tests.support.address_sources import write_sources

JINDU = "西湖区翠苑街道金都花园"


@pytest.fixture
def codes(home: Path) -> dict[str, str]:
    """Building label of 金都花园 -> building code."""
    write_sources(home / "feeds" / "registry")
    build_registry()
    _, tables, _ = store.read_version()
    estates = {e["estate_code"]: e["name"] for e in tables["estates"].to_pylist()}
    return {b["label"]: b["building_code"] for b in tables["buildings"].to_pylist()
            if estates.get(b["estate_code"]) == "金都花园"}


@pytest.mark.parametrize(
    ("text", "label", "segment"),
    [
        (f"{JINDU}4幢2单元201室", "4", "020201"),  # fits: derived
        (f"{JINDU}4号楼1单元601室", "4", "010601"),  # top floor of a 6-floor footprint
        (f"{JINDU}4幢2单元701室", "4", None),  # floor 7 of a 6-floor building
        (f"{JINDU}4幢2单元203室", "4", None),  # the door plates use 2 rooms a floor
        (f"{JINDU}4幢3单元201室", "4", None),  # the door plates use 2 units
        (f"{JINDU}4幢201室", "4", None),  # the estate's door plates write units
        (f"{JINDU}1幢2单元203室", "1", None),  # door plates list 1幢's houses: no such house
    ],
)
def test_house_in_a_footprint_only_building(codes: dict[str, str], text: str, label: str,
                                            segment: str | None) -> None:
    row = match_many([text]).to_pylist()[0]
    assert row["building_code"] == codes[label]
    if segment is None:
        assert (row["match_level"], row["house_code"]) == ("building", None)
    else:
        assert (row["match_level"], row["house_code"]) == ("house", codes[label] + segment)
        assert "规划" in row["reason"] and row["match_confidence"] < 0.95


def test_a_later_door_plate_gives_the_derived_code(codes: dict[str, str], home: Path) -> None:
    derived = match_many([f"{JINDU}4幢2单元201室"]).to_pylist()[0]["house_code"]
    plates = home / "feeds" / "registry" / "doorplates.csv"
    with plates.open("a", encoding="utf-8") as f:
        f.write("GA09999,西湖区,翠苑街道,翠苑一区社区,文三路,12号,金都花园,4幢,2,201\n")
    version, _ = build_registry()
    _, tables, _ = store.read_version(version)
    listed = [h["house_code"] for h in tables["houses"].to_pylist()
              if h["doorplate_ids"] == "GA09999"]
    assert listed == [derived]
    row = match_many([f"{JINDU}4幢2单元201室"]).to_pylist()[0]
    assert (row["house_code"], row["reason"]) == (derived, None)
