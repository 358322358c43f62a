"""Readers for the three authoritative address sources under SHUCANG_FEEDS/registry/, each with its
own conventions, into plain records with the source's own record id (for provenance):

- doorplates.csv (公安门楼牌): 门牌编号,区县,街道,社区,道路,门牌号,小区,楼幢,单元,室 (per house)
- placenames.csv (民政地名): 地名编码,标准名称,别名,曾用名,类别,区县,街道,社区,道路,门牌号
- footprints.geojson (规划): building polygons (WGS84) with bldg_id, estate, building_no, road,
  road_number, floors

It only reads and checks shape; merging and conflict rules are `build.py`'s job."""

from __future__ import annotations

import csv
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from address_registry.normalize import normalize

DOORPLATE_COLUMNS = ("门牌编号", "区县", "街道", "社区", "道路", "门牌号", "小区", "楼幢", "单元",
                     "室")
PLACENAME_COLUMNS = ("地名编码", "标准名称", "别名", "曾用名", "类别", "区县", "街道", "社区",
                     "道路", "门牌号")
FOOTPRINT_PROPERTIES = ("bldg_id", "estate", "building_no", "road", "road_number")

_NUMBER = re.compile(r"^0*(\d+)")
_LABEL = re.compile(r"^([0-9A-Z]+?)(?:幢|号|单元|室)?$")


class SourceError(ValueError):
    """A registry source file is missing or does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class Doorplate:
    """One 公安 door-plate row: a house reached by road + number, in an estate building."""

    record_id: str
    district: str
    street: str
    community: str
    road: str | None
    road_number: str | None
    estate: str | None
    building: str | None
    unit: str | None
    room: str | None


@dataclass(frozen=True, slots=True)
class Placename:
    """One 民政 place-name row: an estate/tower/park/village with aliases and former names."""

    record_id: str
    name: str
    aliases: tuple[str, ...]
    former_names: tuple[str, ...]
    kind: str
    district: str
    street: str
    community: str
    road: str | None
    road_number: str | None


@dataclass(frozen=True, slots=True)
class Footprint:
    """One 规划 building footprint: centroid (WGS84) and the planning office's spelling."""

    record_id: str
    estate: str | None
    building: str | None
    road: str | None
    road_number: str | None
    floors: int | None
    lon: float
    lat: float


def clean(value: object) -> str | None:
    """Normalized text of a cell, or None when empty."""
    if value is None:
        return None
    return _clean_text(str(value))


@functools.lru_cache(maxsize=65536)
def _clean_text(value: str) -> str | None:
    # source columns repeat heavily (district, road, estate names), so normalize each value once
    return normalize(value) or None


def label(value: object) -> str | None:
    """A building/unit/room label without its marker and leading zeros: '3号楼' -> '3'."""
    text = clean(value)
    if text is None:
        return None
    m = _LABEL.match(text)
    if not m:
        return text
    core = m.group(1)
    n = _NUMBER.match(core)
    return n.group(1) if n and n.group(0) == core else core


def road_number(value: object) -> str | None:
    """A door number without 号 and leading zeros: '12号' -> '12'."""
    text = clean(value)
    if text is None:
        return None
    return text.removesuffix("号").lstrip("0") or "0"


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.exists():
        raise SourceError(f"registry source {path} is missing; generate the sample feeds "
                          "(feeds.sample.generate) or point SHUCANG_FEEDS at them")
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise SourceError(f"{path}: missing column(s) {', '.join(missing)}; expected header "
                              f"{','.join(columns)}, got {','.join(reader.fieldnames or [])}")
        return list(reader)


def read_doorplates(path: Path) -> list[Doorplate]:
    """Door plates, one per house."""
    return [
        Doorplate(r["门牌编号"] or f"{path.name}:{i}", r["区县"] or "", r["街道"] or "",
                  r["社区"] or "", clean(r["道路"]), road_number(r["门牌号"]), clean(r["小区"]),
                  label(r["楼幢"]), label(r["单元"]), label(r["室"]))
        for i, r in enumerate(_read_csv(path, DOORPLATE_COLUMNS), start=2)
    ]


def _names(cell: str | None) -> tuple[str, ...]:
    return tuple(n for part in (cell or "").split("|") if (n := clean(part)))


def read_placenames(path: Path) -> list[Placename]:
    """Place names with aliases and former names ('|'-separated)."""
    out = []
    for i, r in enumerate(_read_csv(path, PLACENAME_COLUMNS), start=2):
        name = clean(r["标准名称"])
        if name is None:
            raise SourceError(f"{path}:{i}: column 标准名称 is empty; every place name needs one")
        out.append(Placename(r["地名编码"] or f"{path.name}:{i}", name, _names(r["别名"]),
                             _names(r["曾用名"]), (r["类别"] or "").strip(), r["区县"] or "",
                             r["街道"] or "", r["社区"] or "", clean(r["道路"]),
                             road_number(r["门牌号"])))
    return out


def _centroid(geometry: dict) -> tuple[float, float]:
    coords = geometry["coordinates"]
    ring = coords[0] if geometry["type"] == "Polygon" else coords[0][0]
    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    n = len(points)
    return (round(sum(p[0] for p in points) / n, 6), round(sum(p[1] for p in points) / n, 6))


def read_footprints(path: Path) -> list[Footprint]:
    """Building footprints with their centroid."""
    if not path.exists():
        raise SourceError(f"registry source {path} is missing")
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (json.JSONDecodeError, KeyError) as exc:
        raise SourceError(f"{path}: expected a GeoJSON FeatureCollection ({exc})") from exc
    out = []
    for i, feat in enumerate(features):
        props = feat.get("properties") or {}
        missing = [p for p in FOOTPRINT_PROPERTIES if p not in props]
        geometry = feat.get("geometry") or {}
        if missing or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise SourceError(f"{path}: feature {i} needs properties {FOOTPRINT_PROPERTIES} and a "
                              f"Polygon geometry; missing {missing}, geometry "
                              f"{geometry.get('type')!r}")
        lon, lat = _centroid(geometry)
        floors = props.get("floors")
        out.append(Footprint(str(props["bldg_id"]), clean(props["estate"]),
                             label(props["building_no"]), clean(props["road"]),
                             road_number(props["road_number"]),
                             int(floors) if floors not in (None, "") else None, lon, lat))
    return out
