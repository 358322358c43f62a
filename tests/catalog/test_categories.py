"""The category tree: its shape, every contract and model resolves, bad values are explained, and a
contract or model naming a category outside the tree is refused when it loads (file and field named)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from contracts.categories import CategoryError, load_tree, resolve, top_levels
from contracts.contract import DATASETS_DIR, ContractError, load_contract, load_contracts
from transforms.model import MODELS_DIR, ModelError, load_model, load_models


def test_tree_has_about_ten_categories_and_seventy_items() -> None:
    governance = [c for c in load_tree() if c.top != "数据治理"]
    assert len({c.top for c in governance}) == 10
    assert len(governance) == 70
    assert [name for _, name in top_levels()][:3] == ["治安执法类", "市容市貌类", "交通治理类"]


def test_every_contract_and_model_category_is_in_the_tree() -> None:
    for ds in [*load_contracts().values(), *load_models().values()]:
        assert resolve(ds.category, ds.id).path == ds.category


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("人口/户籍人口", "0401"),
        ("交通治理类/停车设施", "0301"),
        ("物联感知/积水监测", "0802"),
        ("数据治理/访问审计", "1101"),
    ],
)
def test_resolve_returns_item_code(value: str, code: str) -> None:
    assert resolve(value).code == code


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("人口", "must be written 一级/二级"),
        ("人口/", "must be written 一级/二级"),
        ("人口/户籍/子项", "must be written 一级/二级"),
        ("人口/外星人口", "items under 人口: 户籍人口"),
        ("天气/降雨", "first-level categories: 治安执法类"),
    ],
)
def test_bad_category_explains_the_choices(value: str, message: str) -> None:
    with pytest.raises(CategoryError, match="some.yaml") as err:
        resolve(value, "some.yaml")
    assert message in str(err.value)


def _contract_with(tmp_path: Path, dotted: str, value: str) -> Path:
    """elderly_care.yaml copied to tmp_path with one (dotted) field set to `value`."""
    doc = yaml.safe_load((DATASETS_DIR / "elderly_care.yaml").read_text(encoding="utf-8"))
    node = doc
    *parents, last = dotted.split(".")
    for p in parents:
        node = node[int(p)] if p.isdigit() else node[p]
    node[last] = value
    path = tmp_path / "elderly_care.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("category", "公共服务", "field category: Value error, category '公共服务' must be written 一级/二级"),
        ("category", "公共服务/养老院", "field category: Value error, category '公共服务/养老院' is not in"),
        ("category", "公共服务/养老院", "items under 公共服务: 养老服务"),
        ("category", "民政/养老", "first-level categories: 治安执法类"),
        ("columns.4.category", "房屋", "field columns.4.category: Value error, category '房屋' must be"),
        ("columns.4.category", "房屋/楼盘", "field columns.4.category: Value error, category '房屋/楼盘'"),
    ],
)
def test_contract_refuses_a_category_outside_the_tree(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    path = _contract_with(tmp_path, field, value)
    with pytest.raises(ContractError) as err:
        load_contract(path)
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("field", "value"), [("category", "公共服务/便民服务"), ("columns.4.category", "房屋/房屋基础")]
)
def test_contract_accepts_a_category_in_the_tree(tmp_path: Path, field: str, value: str) -> None:
    contract = load_contract(_contract_with(tmp_path, field, value))
    assert value in (contract.category, contract.column("address").category)


def test_model_refuses_a_category_outside_the_tree(tmp_path: Path) -> None:
    src = MODELS_DIR / "grid_event_closure.yaml"
    doc = yaml.safe_load(src.read_text(encoding="utf-8"))
    meta = tmp_path / src.name
    meta.write_text(yaml.safe_dump({**doc, "category": "事件/网格"}, allow_unicode=True), encoding="utf-8")
    meta.with_suffix(".sql").write_text(src.with_suffix(".sql").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ModelError, match=r"field category: Value error, category '事件/网格' is not in"):
        load_model(meta)
