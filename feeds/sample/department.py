"""District-tier sample feeds read from a department database (库表对接): the civil affairs
bureau's care homes and their beds, written as a table of the embedded SQLite database
$SHUCANG_FEEDS/sql/civil_affairs.sqlite that the `sql` source kind reads.

Owns this table's records and planted dirt; reading it is `sources/sql.py`'s job."""

from __future__ import annotations

from datetime import timedelta

from feeds.sample.context import Context
from feeds.sample.model import Dirt, FeedFile, FeedRow, at, garbage_address, plant, set_value, ts
from sources.sql import SqlSource


def care_home_beds(ctx: Context) -> list[FeedFile]:
    """About 120 care homes at estates and street fronts, updated through the anchor day (one
    minute apart, so the table's cursor order is its row order); one without a bed count, one
    over the range, one at a garbage address."""
    contract = ctx.contracts["care_home_beds"]
    rng = ctx.rng("care_home_beds")
    renderer = ctx.renderer("care_home_beds")
    n = ctx.rows(120, minimum=30)
    start = at(ctx.today, 23, 59) - timedelta(minutes=n)
    rows = []
    for i in range(1, n + 1):
        house = rng.choice(ctx.homes if rng.random() < 0.6 else ctx.shops)
        rendered = renderer.house(house)
        total = rng.randint(20, 600)
        row = FeedRow({
            "home_id": f"YL{i:06d}",
            "home_name": f"{(house.estate.name if house.estate else house.road)}养老服务中心",
            "beds_total": total,
            "beds_occupied": rng.randint(0, total),
            "updated_at": ts(start + timedelta(minutes=i)),
        })
        row.set_address("address", rendered)
        rows.append(row)
    plant(rows, [
        Dirt("missing_required:beds_total", "required", 1, set_value("beds_total", None)),
        Dirt("out_of_range:beds_total", "check:between", 1, set_value("beds_total", 9999)),
        garbage_address("address", renderer),
    ], rng)
    return [FeedFile(contract, f"{contract.source_of(SqlSource).connection}.sqlite", rows)]
