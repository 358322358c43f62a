"""Division records read from the committed NBS extract, and lookup by code."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "data" / "zhejiang_divisions.csv"

LEVELS = ("province", "city", "district", "street", "community")
RANK = {name: i for i, name in enumerate(LEVELS)}
CODE_LENGTH = {"province": 2, "city": 4, "district": 6, "street": 9, "community": 12}


@dataclass(frozen=True, slots=True)
class Division:
    """One division record from the NBS list."""

    level: str
    code: str
    name: str
    parent: str


class DivisionsError(ValueError):
    """The reference extract is missing or malformed."""


def read_divisions(path: Path = REFERENCE) -> list[Division]:
    """Every record of a division extract (level, code, name, parent_code), checked for level and
    code width."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except FileNotFoundError as exc:
        raise DivisionsError(f"division extract {path} is missing; regenerate it with "
                             "scripts/extract_divisions.py") from exc
    records = []
    for i, row in enumerate(rows, start=2):
        level, code = row.get("level"), row.get("code") or ""
        if level not in RANK or len(code) != CODE_LENGTH[level]:
            raise DivisionsError(f"{path}:{i}: expected level in {LEVELS} with a code of the "
                                 f"level's length, got level={level!r} code={code!r}")
        records.append(Division(level, code, row["name"], row.get("parent_code") or ""))
    return records


@functools.cache
def by_code(path: Path = REFERENCE) -> dict[str, Division]:
    """code -> Division for an extract (cached per process)."""
    return {d.code: d for d in read_divisions(path)}


def division(code: str) -> Division | None:
    """The division with NBS `code` in the committed extract, or None."""
    return by_code().get(code)
