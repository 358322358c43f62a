"""The category tree: its shape, every contract and model resolves, bad values are explained."""

from __future__ import annotations

import pytest

from catalog.categories import CategoryError, load_tree, resolve, top_levels
from catalog.contract import load_contracts
from transforms.model import load_models


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
