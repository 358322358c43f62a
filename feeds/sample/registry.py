"""The three authoritative address sources the registry merges, each with its own conventions,
rendered from the world: 公安门楼牌 (doorplates.csv, one row per house), 民政地名 (placenames.csv,
one row per estate/place) and 规划建筑轮廓 (footprints.geojson, one polygon per building), with
about 3% deliberate disagreements between them (catalogued in conflicts.json), plus truth.parquet,
one row per house of the world.

Owns these files' layout; merging them by rule is the address registry's job.
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pyarrow as pa

from feeds.sample.world import Building, Estate, House, World
from feeds.sample.writers import write_parquet

CONFLICT_RATE = 0.03
DOORPLATE_HEADERS = (
    "门牌编号",
    "区县",
    "街道",
    "社区",
    "道路",
    "门牌号",
    "小区",
    "楼幢",
    "单元",
    "室",
)
PLACENAME_HEADERS = (
    "地名编码",
    "标准名称",
    "别名",
    "曾用名",
    "类别",
    "区县",
    "街道",
    "社区",
    "道路",
    "门牌号",
)
TRUTH_SCHEMA = pa.schema(
    [
        ("house_key", pa.string()),
        ("building_key", pa.string()),
        ("estate_key", pa.string()),
        ("district_code", pa.string()),
        ("street_code", pa.string()),
        ("community_code", pa.string()),
        ("road", pa.string()),
        ("road_number", pa.string()),
        ("estate", pa.string()),
        ("building", pa.string()),
        ("unit", pa.string()),
        ("floor", pa.int64()),
        ("room", pa.string()),
        ("lon", pa.float64()),
        ("lat", pa.float64()),
    ]
)


class _Conflicts:
    """Chooses which estates/buildings disagree between sources, and records each choice."""

    def __init__(self, world: World, seed: int) -> None:
        rng = random.Random(f"{seed}:registry")
        estates = [e for e in world.estates if e.kind in ("小区", "大厦")]
        buildings = [b for b in world.buildings if b.estate is not None and b.estate.kind != "村"]
        k_e, k_b = (
            max(1, round(len(estates) * CONFLICT_RATE)),
            max(1, round(len(buildings) * CONFLICT_RATE)),
        )
        picked = rng.sample(estates, 3 * k_e)
        self.doorplate_spelling = {e.key: e.aliases[0] for e in picked[:k_e] if e.aliases}
        self.planning_spelling = {e.key: f"{e.name}一期" for e in picked[k_e : 2 * k_e]}
        self.doorplate_no_road = {e.key for e in picked[2 * k_e :] if e.road}
        picked_b = rng.sample(buildings, 2 * k_b)
        self.missing_in_doorplates = {b.key for b in picked_b[:k_b]}
        self.missing_in_footprints = {b.key for b in picked_b[k_b:]}

    def catalogue(self) -> list[dict[str, str | None]]:
        """Every planted disagreement: kind, the source that disagrees, the world key, detail."""
        planted: list[tuple[str, str, dict[str, str | None]]] = [
            ("estate_spelling", "doorplates", dict(self.doorplate_spelling)),
            ("estate_spelling", "footprints", dict(self.planning_spelling)),
            ("doorplate_without_road", "doorplates", dict.fromkeys(self.doorplate_no_road)),
            (
                "building_missing",
                "doorplates",
                dict.fromkeys(
                    self.missing_in_doorplates, "only footprints know this building and its coordinates"
                ),
            ),
            (
                "building_missing",
                "footprints",
                dict.fromkeys(self.missing_in_footprints, "no coordinates for this building"),
            ),
        ]
        return [
            {"kind": kind, "source": source, "key": k, "detail": detail}
            for kind, source, keyed in planted
            for k, detail in sorted(keyed.items())
        ]


def _number(n: int | None) -> str:
    return "" if n is None else f"{n}号"


def _doorplates(world: World, c: _Conflicts) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(DOORPLATE_HEADERS)
    seq: dict[str, int] = {}
    for h in world.houses:
        comm = h.community
        seq[comm.code] = seq.get(comm.code, 0) + 1
        if h.building.key in c.missing_in_doorplates:
            continue
        e = h.estate
        estate = "" if e is None or e.kind == "村" else c.doorplate_spelling.get(e.key, e.name)
        no_road = e is not None and e.key in c.doorplate_no_road
        w.writerow(
            (
                f"{comm.code}{seq[comm.code]:06d}",
                comm.district_name,
                comm.street_name,
                comm.name,
                "" if no_road else h.road or "",
                "" if no_road else _number(h.road_number),
                estate,
                f"{h.building.number}幢" if h.building.number is not None else "",
                f"{h.unit}单元" if h.unit is not None else "",
                f"{h.room}室" if h.room else "",
            )
        )
    return buf.getvalue()


def _placenames(world: World, rng: random.Random) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(PLACENAME_HEADERS)
    seq: dict[str, int] = {}

    def row(street_code: str, *fields: str) -> None:
        seq[street_code] = seq.get(street_code, 0) + 1
        w.writerow((f"DM{street_code}{seq[street_code]:04d}", *fields))

    parks: set[str] = set()
    for e in world.estates:
        comm = e.community
        category = {"小区": "小区", "大厦": "大厦", "村": "村"}[e.kind]
        row(
            comm.street_code,
            e.name,
            "|".join(e.aliases),
            "|".join(e.former_names),
            category,
            comm.district_name,
            comm.street_name,
            comm.name,
            e.road or "",
            _number(e.road_number),
        )
        if e.kind == "大厦" and comm.street_code not in parks:  # one park per street with a tower
            parks.add(comm.street_code)
            stem = e.name.removesuffix("大厦")
            row(
                comm.street_code,
                f"{stem}科技园",
                f"{stem}园区",
                "",
                "园区",
                comm.district_name,
                comm.street_name,
                comm.name,
                e.road or "",
                _number((e.road_number or 0) + rng.choice((100, 200))),
            )
    return buf.getvalue()


def _rectangle(lon: float, lat: float, floors: int) -> list[list[list[float]]]:
    # residential slabs about 50 m x 12 m; taller buildings a little larger
    dx, dy = (25 + floors) / 96_000, (6 + floors / 4) / 111_000
    ring = [
        (lon - dx, lat - dy),
        (lon + dx, lat - dy),
        (lon + dx, lat + dy),
        (lon - dx, lat + dy),
        (lon - dx, lat - dy),
    ]
    return [[[round(x, 6), round(y, 6)] for x, y in ring]]


def _footprint(b: Building, c: _Conflicts, style: dict[str, str]) -> dict:
    e: Estate | None = b.estate
    estate = None if e is None or e.kind == "村" else c.planning_spelling.get(e.key, e.name)
    building_no = None
    if b.number is not None and e is not None:
        building_no = f"{b.number}{style.setdefault(e.key, '号楼' if len(style) % 2 else '栋')}"
    road, number = (b.road, b.road_number) if b.road else ((e.road, e.road_number) if e else (None, None))
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": _rectangle(b.lon, b.lat, b.floors)},
        "properties": {
            "bldg_id": f"GH{b.key}",
            "estate": estate,
            "building_no": building_no,
            "road": road,
            "road_number": _number(number) or None,
            "floors": b.floors,
        },
    }


def _truth(houses: list[House]) -> list[dict]:
    return [
        {
            "house_key": h.key,
            "building_key": h.building.key,
            "estate_key": h.estate.key if h.estate else None,
            "district_code": h.community.district_code,
            "street_code": h.community.street_code,
            "community_code": h.community.code,
            "road": h.road,
            "road_number": _number(h.road_number) or None,
            "estate": h.estate.name if h.estate and h.estate.kind != "村" else None,
            "building": f"{h.building.number}幢" if h.building.number is not None else None,
            "unit": f"{h.unit}单元" if h.unit is not None else None,
            "floor": h.floor,
            "room": f"{h.room}室" if h.room else None,
            "lon": h.lon,
            "lat": h.lat,
        }
        for h in houses
    ]


def write_sources(world: World, folder: Path, seed: int) -> dict[str, Path]:
    """Write doorplates, placenames, footprints, truth.parquet and conflicts.json under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    conflicts = _Conflicts(world, seed)
    paths = {
        name: folder / name
        for name in (
            "doorplates.csv",
            "placenames.csv",
            "footprints.geojson",
            "truth.parquet",
            "conflicts.json",
        )
    }
    paths["doorplates.csv"].write_text(_doorplates(world, conflicts), encoding="utf-8")
    paths["placenames.csv"].write_text(
        _placenames(world, random.Random(f"{seed}:placenames")), encoding="utf-8"
    )
    style: dict[str, str] = {}
    features = [
        _footprint(b, conflicts, style)
        for b in world.buildings
        if b.key not in conflicts.missing_in_footprints
    ]
    paths["footprints.geojson"].write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    write_parquet(_truth(world.houses), TRUTH_SCHEMA, paths["truth.parquet"])
    paths["conflicts.json"].write_text(
        json.dumps(conflicts.catalogue(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return {name.split(".")[0]: p for name, p in paths.items()}
