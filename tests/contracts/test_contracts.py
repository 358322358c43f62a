"""Contracts: every shipped contract loads; a malformed one names the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from contracts.contract import DATASETS_DIR, ContractError, load_contract, load_contracts

TIERS = {"province", "city", "district", "community"}


def test_every_shipped_contract_loads_and_all_tiers_are_covered() -> None:
    contracts = load_contracts()
    assert len(contracts) >= 10
    assert {c.tier.value for c in contracts.values()} == TIERS


def _base() -> dict:
    return yaml.safe_load((DATASETS_DIR / "grid_event.yaml").read_text(encoding="utf-8"))


def _set(doc: dict, dotted: str, value: object) -> dict:
    *parents, last = dotted.split(".")
    node = doc
    for p in parents:
        node = node[int(p)] if p.isdigit() else node[p]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return doc


@pytest.mark.parametrize(("field", "value", "message"), [
    ("tier", "county", "field tier"),
    ("grade", "L9", "field grade"),
    ("sharing", "随便共享", "field sharing"),
    ("primary_key", ["nope"], "primary_key names unknown column 'nope'"),
    ("cursor", "nope", "cursor names unknown column"),
    ("source.format", "parquet", "field source.format"),
    ("source.kind", KeyError, "field source.kind"),
    ("columns.0.type", "int", "field columns.0.type"),
    ("columns.0.checks", [{"regex": "["}], "field columns.0.checks"),
    ("columns.0.checks", ["luhn"], "unknown check 'luhn'"),
    ("columns.0.name", "Event ID", "field columns.0.name"),
    ("columns.6.grade", "L4", "lower than its most sensitive column"),
    ("address.column", "nowhere", "address.column names unknown column"),
    ("owner", KeyError, "field owner"),
    ("extra_field", 1, "field extra_field"),
])
def test_malformed_contract_names_file_and_field(tmp_path: Path, field: str, value: object,
                                                 message: str) -> None:
    path = tmp_path / "grid_event.yaml"
    path.write_text(yaml.safe_dump(_set(_base(), field, value), allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContractError) as err:
        load_contract(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_id_must_match_file_name(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(_base(), allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContractError, match="must match the file name"):
        load_contract(path)


def test_unreadable_yaml_is_a_contract_error(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(ContractError, match="cannot read contract"):
        load_contract(path)
