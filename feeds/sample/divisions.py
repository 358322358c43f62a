"""The real divisions the sample world is built on: a few Hangzhou streets (NBS 2023 codes and names
read from the committed Zhejiang extract) with an approximate centre and the real roads around it.

It owns the choice of streets and their geography; it does not invent division names or codes.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from divisions.reference import REFERENCE as DIVISIONS_CSV

PROVINCE = "浙江省"
CITY_CODE = "3301"
CITY = "杭州市"


class DivisionError(LookupError):
    """A division code the sample world needs is missing from the reference extract."""


@dataclass(frozen=True)
class StreetPlan:
    """A real street to populate: its code, approximate centre (WGS84) and nearby real roads."""

    code: str
    lon: float
    lat: float
    roads: tuple[str, ...]
    communities: int  # how many of its communities (or villages) to populate
    rural: bool = False  # populate its 村委会 (villages) with "X组Y号" addresses


# Centres are approximate (within a few hundred metres); roads are real roads of the area.
STREET_PLANS: tuple[StreetPlan, ...] = (
    StreetPlan("330106005", 120.1295, 30.2853, ("文三路", "文二路", "学院路", "古翠路", "翠柏路"), 6),
    StreetPlan("330106013", 120.1050, 30.2905, ("文一西路", "文二西路", "丰潭路", "莲花街", "古墩路"), 6),
    StreetPlan("330106007", 120.1210, 30.2790, ("文一路", "教工路", "古墩路", "天目山路", "益乐路"), 5),
    StreetPlan("330105016", 120.1650, 30.2880, ("朝晖路", "潮王路", "中山北路", "上塘路", "香积寺路"), 6),
    StreetPlan("330102012", 120.1960, 30.2620, ("采荷路", "凯旋路", "秋涛北路", "庆春东路", "景昙路"), 6),
    StreetPlan("330108002", 120.1930, 30.1960, ("江南大道", "滨文路", "长河路", "建业路", "月明路"), 6),
    StreetPlan(
        "330110005",
        120.0560,
        30.2800,
        ("五常大道", "文一西路", "荆长大道", "友谊路", "五常港路"),
        5,
    ),
    StreetPlan("330110110", 119.9650, 30.3900, (), 5, rural=True),
)


@dataclass(frozen=True)
class Division:
    level: str
    code: str
    name: str
    parent_code: str


@functools.cache
def load_divisions(path: Path = DIVISIONS_CSV) -> dict[str, Division]:
    """Every division of the extract keyed by code (read once per process; do not mutate)."""
    with path.open(encoding="utf-8", newline="") as f:
        return {
            r["code"]: Division(r["level"], r["code"], r["name"], r["parent_code"]) for r in csv.DictReader(f)
        }


def children(divisions: dict[str, Division], parent_code: str) -> list[Division]:
    """The divisions directly under `parent_code`, in code order."""
    return sorted((d for d in divisions.values() if d.parent_code == parent_code), key=lambda d: d.code)


def require(divisions: dict[str, Division], code: str) -> Division:
    """The division `code`, or a DivisionError naming the extract to regenerate."""
    try:
        return divisions[code]
    except KeyError:
        raise DivisionError(
            f"division {code} is not in {DIVISIONS_CSV}; regenerate it with scripts/extract_divisions.py"
        ) from None


def county_codes(divisions: dict[str, Division]) -> list[str]:
    """All real Zhejiang county-level codes (valid resident-ID region prefixes)."""
    return sorted(d.code for d in divisions.values() if d.level == "district")
