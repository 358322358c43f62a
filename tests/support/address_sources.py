"""A small hand-written set of registry sources in the sample generator's formats, with the
conventions and conflicts each source really has (planning spellings, aliases, former names)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from address_registry.sources import DOORPLATE_COLUMNS, PLACENAME_COLUMNS

XIHU, CUIYUAN = "西湖区", "翠苑街道"
YIQU, ERQU = "翠苑一区社区", "翠苑二区社区"

# 地名编码, 标准名称, 别名, 曾用名, 类别, 区县, 街道, 社区, 道路, 门牌号
PLACENAMES = [
    ("PN001", "金都花园", "金都花园小区", "金都新村", "小区", XIHU, CUIYUAN, YIQU, "文三路",
     "12号"),
    ("PN002", "嘉绿苑", "嘉绿苑小区", "", "小区", XIHU, CUIYUAN, ERQU, "文二路", "30号"),
    ("PN003", "浙商大厦", "浙商中心", "", "大厦", XIHU, CUIYUAN, YIQU, "学院路", "8号"),
    # deliberate conflict: 民政 puts 金色家园 in 翠苑二区, the door plates say 翠苑一区
    ("PN004", "金色家园", "", "", "小区", XIHU, CUIYUAN, ERQU, "文三路", "40号"),
]


def doorplates() -> list[tuple[str, ...]]:
    """门牌编号, 区县, 街道, 社区, 道路, 门牌号, 小区, 楼幢, 单元, 室 — one row per house."""
    rows: list[tuple[str, ...]] = []
    n = 0

    def add(community: str, road: str, number: str, estate: str, bldg: str, unit: str,
            room: str) -> None:
        nonlocal n
        n += 1
        rows.append((f"GA{n:05d}", XIHU, CUIYUAN, community, road, number, estate, bldg, unit,
                     room))

    for b in (1, 2, 3):
        for u in (1, 2):
            for room in ("101", "102", "201", "202"):
                add(YIQU, "文三路", "12号", "金都花园", f"{b}幢", str(u), room)
                add(ERQU, "文二路", "30号", "嘉绿苑小区", f"{b}幢", str(u), room)
                add(YIQU, "文三路", "40号", "金色家园", f"{b}幢", str(u), room)
    for room in ("1501", "1502", "1601"):
        add(YIQU, "学院路", "8号", "浙商大厦", "", "", room)
    add(YIQU, "文三路", "15号", "", "", "", "")  # street-front shop
    add(YIQU, "文三路", "12号", "金都花园", "1幢", "1", "101")  # duplicate door plate
    return rows


def footprints() -> dict[str, object]:
    """规划 footprints: planning spellings ('金都花园一期', '3号楼', '2栋')."""
    feats = []

    def square(lon: float, lat: float) -> list[list[list[float]]]:
        d = 0.0002
        return [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]

    for b in (1, 2, 3):
        feats.append((f"FP-JD-{b}", "金都花园一期", f"{b}号楼", "文三路", "12",
                      120.13 + b / 1000, 30.28))
        feats.append((f"FP-JL-{b}", "嘉绿苑", f"{b}栋", "", "", 120.12 + b / 1000, 30.27))
    # a building the door plates lack: only planning knows it (its houses get derived codes)
    feats.append(("FP-JD-4", "金都花园一期", "4号楼", "文三路", "12", 120.134, 30.28))
    feats.append(("FP-ZS", "浙商大厦", "", "学院路", "8", 120.125, 30.285))
    feats.append(("FP-XX", "无名楼", "9号楼", "", "", 120.0, 30.0))  # matches nothing
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": square(lon, lat)},
         "properties": {"bldg_id": i, "estate": e, "building_no": b, "road": r,
                        "road_number": rn, "floors": 6}}
        for i, e, b, r, rn, lon, lat in feats]}


def write_sources(folder: Path, reverse: bool = False) -> Path:
    """Write the three sources into `folder` (rows reversed when `reverse`); return it."""
    folder.mkdir(parents=True, exist_ok=True)
    order = (lambda rows: list(reversed(rows))) if reverse else list
    with (folder / "doorplates.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(DOORPLATE_COLUMNS)
        w.writerows(order(doorplates()))
    with (folder / "placenames.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(PLACENAME_COLUMNS)
        w.writerows(order(PLACENAMES))
    fp = footprints()
    fp["features"] = order(fp["features"])  # type: ignore[arg-type]
    (folder / "footprints.geojson").write_text(json.dumps(fp, ensure_ascii=False))
    return folder
