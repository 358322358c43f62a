"""The two-level category tree for grassroots governance data (`contracts/categories.yaml`) and the
lookup of a dataset's "一级/二级" category in it. It owns the tree; it does not edit contracts."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import AfterValidator

TREE_FILE = Path(__file__).resolve().parent / "categories.yaml"


class CategoryError(ValueError):
    """A category is not written "一级/二级" or names a node missing from the tree."""


@dataclass(frozen=True)
class Category:
    """One resolved category: the first-level node and the item under it."""

    code: str  # the item's 4-digit code, e.g. 0301
    top: str  # 一级, e.g. 交通治理类
    item: str  # 二级, e.g. 停车设施
    top_code: str
    top_en: str

    @property
    def path(self) -> str:
        """As written in contracts: "一级/二级"."""
        return f"{self.top}/{self.item}"


@functools.cache
def load_tree(path: Path = TREE_FILE) -> tuple[Category, ...]:
    """Every item of the tree, in code order; CategoryError if the file breaks its own rules."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: list[Category] = []
    for top in raw:
        for item in top["items"]:
            if not str(item["code"]).startswith(str(top["code"])):
                raise CategoryError(
                    f"{path}: item {item['name']} code {item['code']} must start with its"
                    f" category code {top['code']}"
                )
            out.append(
                Category(
                    str(item["code"]),
                    top["name"],
                    item["name"],
                    str(top["code"]),
                    top.get("en", ""),
                )
            )
    codes = [c.code for c in out]
    if len(set(codes)) != len(codes):
        raise CategoryError(f"{path}: item codes repeat")
    return tuple(sorted(out, key=lambda c: c.code))


def resolve(category: str, where: str | None = None) -> Category:
    """The tree node for "一级/二级"; CategoryError names `where` (when given, e.g. the file) and
    the closest valid choices."""
    at = f"{where}: " if where else ""
    top, sep, item = category.partition("/")
    if not sep or not top or not item or "/" in item:
        raise CategoryError(f"{at}category {category!r} must be written 一级/二级, e.g. 人口/户籍人口")
    tree = load_tree()
    for c in tree:
        if c.top == top and c.item == item:
            return c
    siblings = [c.item for c in tree if c.top == top]
    if siblings:
        hint = f"items under {top}: {', '.join(siblings)}"
    else:
        hint = f"first-level categories: {', '.join(dict.fromkeys(c.top for c in tree))}"
    raise CategoryError(f"{at}category {category!r} is not in {TREE_FILE.name}; {hint}")


def lookup(category: str) -> Category | None:
    """The tree node for "一级/二级", or None when it names none (contracts and models are validated
    when they load; a manifest written elsewhere may say anything)."""
    try:
        return resolve(category)
    except CategoryError:
        return None


def _in_tree(category: str) -> str:
    resolve(category)  # CategoryError is a ValueError: pydantic reports it under the field's name
    return category


# A "一级/二级" category that must name a node of the tree, for pydantic models (contracts, models).
CategoryPath = Annotated[str, AfterValidator(_in_tree)]


def top_levels() -> list[tuple[str, str]]:
    """(code, name) of each first-level category, in code order."""
    return list(dict.fromkeys((c.top_code, c.top) for c in load_tree()))
