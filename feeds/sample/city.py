"""City-tier sample feeds from the city brain: parking lots and their berth occupancy every 15
minutes for the last two hours, written as JSON collections the local HTTP feed server pages.

Owns these two collections' records and planted dirt; serving them is `feeds/http_server.py`'s job.
"""

from __future__ import annotations

import random
from datetime import timedelta

from feeds.sample.addresses import AddressRenderer
from feeds.sample.context import Context
from feeds.sample.model import (
    Dirt,
    FeedFile,
    FeedRow,
    add_duplicates,
    at,
    garbage_address,
    plant,
    set_value,
    ts,
)
from feeds.sample.world import Estate, House

LOT_KINDS = ("公共停车场", "道路泊位", "小区停车场", "单位停车场")
SNAPSHOTS = 8  # every 15 minutes over the last two hours of the anchor day


def _lot(n: int, kind: str, ctx: Context, renderer: AddressRenderer, rng: random.Random) -> FeedRow:
    if kind in ("小区停车场", "单位停车场"):
        kinds = ("小区",) if kind == "小区停车场" else ("大厦",)
        estate: Estate = rng.choice(ctx.estates_of_kind[kinds[0]])
        rendered = renderer.estate(estate, tail=rng.choice(("地下车库", "停车场", "")))
        name, capacity = f"{estate.name}停车场", rng.randint(80, 900)
    else:
        house: House = rng.choice(ctx.shops)
        rendered = renderer.near(
            house, tail="" if kind == "公共停车场" else rng.choice(("东侧", "西侧", "沿线"))
        )
        name = (
            f"{house.road}{house.road_number}号公共停车场"
            if kind == "公共停车场"
            else f"{house.road}道路泊位"
        )
        capacity = rng.randint(40, 400) if kind == "公共停车场" else rng.randint(10, 60)
    row = FeedRow(
        {
            "lotId": f"P{int(house_district(rendered.truth.community_code)):02d}{n:06d}",
            "name": name,
            "capacity": capacity,
            "kind": kind,
        }
    )
    row.set_address("address", rendered)
    return row


def house_district(community_code: str | None) -> str:
    """The two digits after the city in a division code ('06' for 西湖区)."""
    return (community_code or "330100")[4:6]


def parking_lot(ctx: Context) -> list[FeedFile]:
    """About 300 lots; a few with an uncastable capacity, no name, garbage or a repeated id."""
    contract = ctx.contracts["parking_lot"]
    rng = ctx.rng("parking_lot")
    renderer = ctx.renderer("parking_lot")
    rows = [
        _lot(n, rng.choices(LOT_KINDS, (35, 30, 25, 10))[0], ctx, renderer, rng)
        for n in range(1, ctx.rows(300, minimum=40) + 1)
    ]
    plant(
        rows,
        [
            Dirt("uncastable:capacity", "cast", 1, set_value("capacity", "abc")),
            Dirt("missing_required:name", "required", 1, set_value("name", None)),
            garbage_address("address", renderer),
        ],
        rng,
    )
    add_duplicates(rows, 1, rng)
    return [FeedFile(contract, "parking_lot.json", rows)]


def parking_berth_occupancy(ctx: Context, lots: list[FeedFile]) -> list[FeedFile]:
    """A snapshot per lot every 15 minutes for the last two hours of the anchor day."""
    contract = ctx.contracts["parking_berth_occupancy"]
    rng = ctx.rng("parking_berth_occupancy")
    seen, valid = set(), []
    for row in lots[0].rows:
        if not row.dirt and row.values["lotId"] not in seen:
            seen.add(row.values["lotId"])
            valid.append(row)
    start = at(ctx.today, 24 - SNAPSHOTS // 4)
    rows = []
    for k in range(SNAPSHOTS):
        observed = ts(start + timedelta(minutes=15 * k))
        for lot in valid:
            capacity = int(lot.values["capacity"])
            occupied = min(capacity, max(0, int(capacity * rng.uniform(0.3, 1.0))))
            rows.append(
                FeedRow(
                    {
                        "lotId": lot.values["lotId"],
                        "observedAt": observed,
                        "occupied": occupied,
                        "capacity": capacity,
                    }
                )
            )
    plant(rows, [Dirt("uncastable:occupied", "cast", 1, set_value("occupied", "满"))], rng)
    add_duplicates(rows, 1, rng)
    return [FeedFile(contract, "parking_berth_occupancy.json", rows)]
