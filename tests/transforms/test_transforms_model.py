"""Model files: the shipped models load, and broken metadata fails with the file and field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from transforms.model import ModelError, load_model, load_models, run_order

GOOD = """id: m
title: t
inputs: [grid_event]
tier: district
owner: o
category: 事件/网格事件
update_frequency: daily
primary_key: [n]
columns: {n: 数量}
"""


def test_shipped_models_load_and_order_dependencies_first() -> None:
    models = load_models()
    assert {
        "parking_berth_index",
        "parking_tidal_spare",
        "grid_event_closure",
        "community_operation_index",
    } <= set(models)
    order = run_order(models)
    assert order.index("grid_event_closure") < order.index("community_operation_index")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda y: y.replace("id: m", "id: other"), "must match the file name"),
        (lambda y: y.replace("primary_key: [n]", "primary_key: [x]"), "undeclared columns ['x']"),
        (lambda y: y.replace("inputs: [grid_event]", "inputs: []"), "at least one input"),
        (lambda y: y + "sql: SELECT 1\n", "taken from the files"),
        (lambda y: y.replace("tier: district", "tier: galaxy"), "field tier"),
        (lambda y: y + "colour: red\n", "field colour"),
        (lambda y: "- a list\n", "a YAML mapping"),
    ],
)
def test_broken_metadata_names_file_and_field(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    meta = tmp_path / "m.yaml"
    meta.write_text(change(GOOD), encoding="utf-8")
    (tmp_path / "m.sql").write_text("SELECT count(*) AS n FROM grid_event", encoding="utf-8")
    with pytest.raises(ModelError, match="m.yaml") as err:
        load_model(meta)
    assert message in str(err.value)


def test_missing_sql_file_is_reported(tmp_path: Path) -> None:
    meta = tmp_path / "m.yaml"
    meta.write_text(GOOD, encoding="utf-8")
    with pytest.raises(ModelError, match="cannot read model"):
        load_model(meta)


def test_cycle_between_models_is_refused(tmp_path: Path) -> None:
    for name, other in (("a", "b"), ("b", "a")):
        (tmp_path / f"{name}.yaml").write_text(
            GOOD.replace("id: m", f"id: {name}").replace("[grid_event]", f"[{other}]"), "utf-8"
        )
        (tmp_path / f"{name}.sql").write_text(f"SELECT count(*) AS n FROM {other}", "utf-8")
    with pytest.raises(ModelError, match="cycle: a -> b -> a"):
        run_order(load_models(tmp_path))
