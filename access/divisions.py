"""NBS division codes the access package checks organizations and row scopes against, read from
the address registry's committed Zhejiang extract. Read-only; owns no state."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

REFERENCE = (
    Path(__file__).resolve().parent.parent
    / "address_registry"
    / "reference"
    / "zhejiang_divisions.csv"
)
CODE_LENGTH = {"district": 6, "street": 9, "community": 12}


@dataclass(frozen=True, slots=True)
class Division:
    level: str
    code: str
    name: str
    parent: str


@functools.cache
def _index() -> dict[str, Division]:
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        return {
            r["code"]: Division(r["level"], r["code"], r["name"], r["parent_code"])
            for r in csv.DictReader(f)
        }


def division(code: str) -> Division | None:
    """The division with NBS `code`, or None."""
    return _index().get(code)


def path_name(code: str) -> str:
    """Names from district down to `code`, e.g. 西湖区西溪街道文一社区 ('' if unknown)."""
    names: list[str] = []
    d = division(code)
    while d is not None and d.level in {"district", "street", "community"}:
        names.append(d.name)
        d = division(d.parent)
    return "".join(reversed(names))


def community_names() -> dict[str, str]:
    """community code -> district+street+community name, for the address_community mask."""
    return {c: path_name(c) for c, d in _index().items() if d.level == "community"}
