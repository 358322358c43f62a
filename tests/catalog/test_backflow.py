"""Backflow of community datasets: UTF-8 CSV + manifest with address codes, once per snapshot."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from catalog.backflow import BackflowError, export_dataset, run_backflow
from contracts.contract import load_contracts


def test_exports_every_published_community_dataset_once(published: dict, home: Path) -> None:
    results = {r.dataset: r for r in run_backflow()}
    assert {d for d, r in results.items() if r.status == "exported"} == {
        "elderly_care",
        "iot_elevator_fault",
        "iot_water_level",
        "resident_evaluation",
        "timebank_volunteer",
    }
    assert results["rental_housing"].status == "unpublished"
    assert {r.status for r in run_backflow()} == {"unchanged", "unpublished"}


def test_csv_and_manifest_agree(published: dict, home: Path) -> None:
    r = export_dataset(load_contracts()["elderly_care"])
    manifest = json.loads((r.path / "manifest.json").read_text("utf-8"))
    raw = (r.path / manifest["file"]["name"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == manifest["file"]["sha256"]
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
    rows = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    assert len(rows) == manifest["rows"] == published["elderly_care"].rows
    assert list(rows[0]) == [c["name"] for c in manifest["columns"]]
    assert "_load_id" not in rows[0] and "community_code" in rows[0]
    matched = sum(1 for x in rows if x["community_code"])
    assert manifest["address"]["matched_rows"] == matched == 17  # every 7th of 20 unmatched
    assert manifest["address"]["unmatched_rows"] == 3
    assert manifest["to_tier"] == "district" and manifest["grade"] == "L4"
    assert rows == sorted(rows, key=lambda x: x["resident_id"])
    assert rows[1]["assessed_on"] == "2026-10-01"
    cols = {c["name"]: c for c in manifest["columns"]}
    assert cols["house_code"]["address_granularity"] == "house"
    assert {c["category"] for c in cols.values()} == {"公共服务/养老服务"}
    assert {(c["tier"], c["update_frequency"]) for c in cols.values()} == {("community", "daily")}


@pytest.mark.parametrize(
    ("datasets", "message"),
    [(["grid_event"], "only community data flows back"), (["nope"], "unknown datasets")],
)
def test_refusals(home: Path, datasets: list[str], message: str) -> None:
    with pytest.raises(BackflowError, match=message):
        if datasets == ["grid_event"]:
            export_dataset(load_contracts()["grid_event"])
        else:
            run_backflow(datasets)
