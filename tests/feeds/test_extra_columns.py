"""`on_extra_columns: keep`: a feed's undeclared columns are published as text at grade L4, the
drift is named in the load's ledger reason and shown in the catalog entry, no grant can name
them, and later loads without them keep the values published before."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.scope import ScopeError, check_columns
from catalog.entry import build_catalog, find_entry
from contracts.contract import Contract, Grade, load_contracts
from control import ledger
from feeds.errors import SchemaDrift
from shucang import pipeline
from tests.support.grid import GRID_HEADER, csv_bytes, grid_row
from warehouse.manifest import read_manifest
from warehouse.query import query


def _keeping(monkeypatch: pytest.MonkeyPatch) -> Contract:
    contract = load_contracts()["grid_event"]
    kept = contract.model_copy(update={"source": contract.source.model_copy(
        update={"on_extra_columns": "keep"})})
    monkeypatch.setattr(pipeline, "contract_for", lambda dataset: kept)
    return kept


def test_kept_columns_are_published_as_l4_text_and_never_grantable(
        home: Path, grid_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    contract = _keeping(monkeypatch)
    rows = [[*grid_row(i), f" 备注{i} ", f"{i}号网格员"] for i in (1, 2)]
    (grid_dir / "a.csv").write_bytes(csv_bytes([*GRID_HEADER, "备注", "网格员 姓名"], rows))
    assert pipeline.run_feed("grid_event") is not None

    (load,) = ledger.list_loads("grid_event")
    assert load["status"] == "published"
    assert (load["rows_in"], load["rows_published"], load["rows_quarantined"]) == (2, 2, 0)
    assert "备注, 网格员 姓名 not in the contract, kept" in load["reason"]
    assert "on_extra_columns: keep" in load["reason"]

    manifest = read_manifest("grid_event")
    for name in ("备注", "网格员 姓名"):
        col = manifest.column(name)
        assert (col.type, col.grade) == ("VARCHAR", Grade.L4)
        assert "契约未声明" in col.title
    assert sorted(query('SELECT "备注" FROM grid_event')[1]) == [("备注1",), ("备注2",)]

    entry = find_entry(build_catalog(), "grid_event")
    shown = {c.name: c.grade for c in entry.data_items}
    assert shown["备注"] == Grade.L4 and shown["网格员 姓名"] == Grade.L4

    with pytest.raises(ScopeError):
        check_columns(contract, {"备注": None})

    # a later delivery without the column: the rows published before keep their values
    (grid_dir / "b.csv").write_bytes(csv_bytes(GRID_HEADER, [grid_row(3)]))
    assert pipeline.run_feed("grid_event") is not None
    manifest = read_manifest("grid_event")
    assert manifest.column("备注").grade == Grade.L4
    got = dict(query('SELECT event_id, "备注" FROM grid_event')[1])
    assert got == {"SJ202611200001": "备注1", "SJ202611200002": "备注2", "SJ202611200003": None}


def test_a_kept_column_may_not_take_a_published_name(home: Path, grid_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _keeping(monkeypatch)
    for name in ("event_id", "_row"):
        (grid_dir / "a.csv").write_bytes(csv_bytes([*GRID_HEADER, name], [[*grid_row(1), "x"]]))
        with pytest.raises(SchemaDrift, match="cannot be kept"):
            pipeline.run_feed("grid_event")
        (grid_dir / "a.csv").unlink()
    loads = ledger.list_loads("grid_event")
    assert [r["status"] for r in loads] == ["rejected", "rejected"]
    for load in loads:
        assert load["rows_in"] == load["rows_quarantined"] == 1


def test_a_row_holding_only_kept_values_is_quarantined_not_dropped(
        home: Path, grid_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _keeping(monkeypatch)
    empty = [""] * len(GRID_HEADER)
    rows = [[*grid_row(1), "备注1"], [*empty, "只有备注"], [*empty, ""]]
    (grid_dir / "a.csv").write_bytes(csv_bytes([*GRID_HEADER, "备注"], rows))
    assert pipeline.run_feed("grid_event") is not None
    (load,) = ledger.list_loads("grid_event")
    # the delimiters-only line is a blank line; the line with a kept value is a row without a key
    assert (load["rows_in"], load["rows_published"], load["rows_quarantined"]) == (2, 1, 1)
    ledger.assert_conserved(load["load_id"])
