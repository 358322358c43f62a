"""District-tier sample feeds: grid events from the command platform (网格事件, GBK hourly CSV with
the platform's deadlines and escalations, one hour exported with a renamed column) and the floating
population register (流动人口, UTF-8 daily).

Owns these two feeds' rows and planted dirt; the world, people and writers are shared.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from feeds.sample.addresses import AddressRenderer, Rendered
from feeds.sample.context import Context
from feeds.sample.model import (
    Dirt,
    FeedFile,
    FeedRow,
    add_duplicates,
    at,
    clear,
    garbage_address,
    plant,
    set_value,
    set_values,
    transform,
    ts,
)
from feeds.sample.people import (
    OTHER_PROVINCE_COUNTIES,
    WARN_MOBILE,
    bad_mobile,
    impossible_birth_id,
    mobile,
)
from feeds.sample.world import House

CATEGORIES = (
    "市容环境",
    "治安隐患",
    "消防安全",
    "道路交通",
    "矛盾纠纷",
    "违章搭建",
    "环境污染",
    "设施损坏",
)
STATUSES = (("上报", 10), ("派发", 15), ("处置", 20), ("办结", 55))
# 处置时限 the platform sets per level (hours after the report; one of two, as platforms vary it by
# event type), how often an export leaves it empty, and the share of dispatched events escalated.
DEADLINE_HOURS = {1: (72, 120), 2: (48, 72), 3: (24, 48), 4: (4, 12)}
NO_DEADLINE = 0.08
ESCALATED = {1: 0.02, 2: 0.06, 3: 0.3, 4: 0.6}
REASONS = (("务工", 60), ("经商", 15), ("就学", 8), ("投靠亲友", 12), ("其他", 5))
EVENT_HOURS = range(8, 14)  # one export per hour of the anchor day's morning


def _location(ctx: Context, renderer: AddressRenderer, rng: random.Random) -> Rendered:
    roll = rng.random()
    if roll < 0.4:
        house = rng.choice(ctx.shops)
        return renderer.near(house, rng.choice(("门口", "附近", "东侧人行道", "对面")))
    if roll < 0.7:
        building = rng.choice(ctx.numbered_buildings)
        r = renderer.building(building)
        return Rendered(r.text + rng.choice(("楼下", "楼道", "旁绿化带")), r.truth, r.variant)
    estate = rng.choice(ctx.estates_of_kind["小区"])
    return renderer.estate(estate, tail=rng.choice(("南门", "北门", "内部道路", "地下车库")))


def _lifecycle(status: str, reported: datetime, rng: random.Random, latest: datetime) -> list[str]:
    steps = ["派发", "处置", "办结"][: [s for s, _ in STATUSES].index(status)]
    out, t = [], reported
    for _ in steps:
        t = min(latest, t + timedelta(minutes=rng.randint(5, 90)))
        out.append(ts(t))
    return out + [""] * (3 - len(out))


def _escalation(level: int, reported: datetime, dispatched: str, rng: random.Random) -> tuple[str, str]:
    """是否升级 and 升级时间: a dispatched event may be escalated, between its report and dispatch."""
    if not dispatched or rng.random() >= ESCALATED[level]:
        return "否", ""
    span = datetime.strptime(dispatched, "%Y-%m-%d %H:%M:%S") - reported
    return "是", ts(reported + span * rng.random())


def _event(ctx: Context, seq: int, hour: int, renderer: AddressRenderer, rng: random.Random) -> FeedRow:
    reported = at(ctx.today, hour, rng.randrange(60), rng.randrange(60))
    status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
    dispatched, handled, closed = _lifecycle(status, reported, rng, at(ctx.today, 23, 59, 59))
    level = rng.choices((1, 2, 3, 4), (50, 30, 15, 5))[0]
    deadline = reported + timedelta(hours=rng.choice(DEADLINE_HOURS[level]))
    escalated, escalated_at = _escalation(level, reported, dispatched, rng)
    row = FeedRow(
        {
            "事件编号": f"SJ{ctx.today:%y%m%d}{seq:06d}",  # 12 digits at any scale
            "事件类别": rng.choice(CATEGORIES),
            "事件等级": level,
            "上报时间": ts(reported),
            "联系电话": "" if rng.random() < 0.2 else mobile(rng),
            "处置状态": status,
            "派发时间": dispatched,
            "处置时间": handled,
            "办结时间": closed,
            "处置时限": "" if rng.random() < NO_DEADLINE else ts(deadline),
            "是否升级": escalated,
            "升级时间": escalated_at,
        }
    )
    row.set_address("发生地点", _location(ctx, renderer, rng))
    return row


def _close_before_handled(row: FeedRow, rng: random.Random) -> None:
    handled = datetime.strptime(row.values["处置时间"], "%Y-%m-%d %H:%M:%S")
    row.values["办结时间"] = ts(handled - timedelta(hours=1))


def grid_event(ctx: Context) -> list[FeedFile]:
    """Hourly GBK exports; the last hour's export renamed 联系电话 to 手机号码 (schema drift)."""
    contract = ctx.contracts["grid_event"]
    rng = ctx.rng("grid_event")
    renderer = ctx.renderer("grid_event", encoding="gbk")
    per_file = max(20, ctx.rows(3000) // len(EVENT_HOURS))
    files, seq = [], 0
    for hour in EVENT_HOURS:
        rows = []
        for _ in range(per_file):
            seq += 1
            rows.append(_event(ctx, seq, hour, renderer, rng))
        closed = [i for i, r in enumerate(rows) if r.values["办结时间"]]
        if closed and hour == EVENT_HOURS[0]:
            _close_before_handled(rows[closed[-1]], rng)
            rows[closed[-1]].mark("closed_before_handled", "check:after")
        plant(
            rows,
            [
                Dirt(
                    "invalid_mobile",
                    WARN_MOBILE,
                    1,
                    lambda row, rng: row.values.update({"联系电话": bad_mobile(rng)}),
                ),
                Dirt("uncastable:事件等级", "cast", 1, set_values("事件等级", ("高", "一般", "紧急"))),
                Dirt("missing_required:事件类别", "required", 1, set_value("事件类别", "")),
                garbage_address("发生地点", renderer),
            ],
            rng,
        )
        add_duplicates(rows, 1, rng)
        files.append(FeedFile(contract, f"{ctx.today}_{hour:02d}.csv", rows, encoding="gbk"))
    drift_hour = EVENT_HOURS[-1] + 1
    rows = []
    for _ in range(30):
        seq += 1
        rows.append(_event(ctx, seq, drift_hour, renderer, rng))
    files.append(
        FeedFile(
            contract,
            f"{ctx.today}_{drift_hour:02d}.csv",
            rows,
            encoding="gbk",
            renamed={"联系电话": "手机号码"},
            file_dirt=[("renamed_column:联系电话->手机号码", "rejected:schema_drift")],
        )
    )
    return files


def _origin(ctx: Context, rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.7:
        return rng.choice(OTHER_PROVINCE_COUNTIES)
    return ctx.county_with_name(rng)


def _migrant(
    ctx: Context, day: date, renderer: AddressRenderer, houses: list[House], rng: random.Random
) -> FeedRow:
    region, origin = _origin(ctx, rng)
    p = ctx.person(region, rng.randint(18, 60), rng)
    registered = day - timedelta(days=rng.randrange(0, 700))
    row = FeedRow(
        {
            "身份证号": p.resident_id,
            "姓名": p.name,
            "联系电话": p.mobile,
            "户籍地": origin,
            "登记日期": registered.isoformat(),
            "居住事由": rng.choices([r for r, _ in REASONS], [w for _, w in REASONS])[0],
        }
    )
    row.set_address("居住地址", renderer.house(rng.choice(houses)))
    return row


def _extra_field(row: FeedRow, rng: random.Random) -> None:
    row.extra_fields = 1


def floating_population(ctx: Context) -> list[FeedFile]:
    """Two UTF-8 daily exports of migrants' residence registrations."""
    contract = ctx.contracts["floating_population"]
    rng = ctx.rng("floating_population")
    renderer = ctx.renderer("floating_population")
    houses = ctx.homes
    counties = ctx.zhejiang_counties
    dirt = [
        Dirt("malformed_row:extra_field", "malformed_row", 1, _extra_field),
        garbage_address("居住地址", renderer, "very_long"),
        garbage_address("居住地址", renderer, "emoji"),
        Dirt(
            "invalid_resident_id:birth_date",
            "check:resident_id",
            1,
            transform("身份证号", lambda v, rng: impossible_birth_id(rng.choice(counties), rng)),
        ),
        Dirt(
            "invalid_mobile",
            WARN_MOBILE,
            1,
            lambda row, rng: row.values.update({"联系电话": bad_mobile(rng)}),
        ),
        Dirt("missing_required:居住地址", "required", 1, clear("居住地址")),
        Dirt("uncastable:登记日期", "cast", 1, set_value("登记日期", "2026-02-30")),
    ]
    files = []
    for day in (ctx.today - timedelta(days=1), ctx.today):
        rows = [_migrant(ctx, day, renderer, houses, rng) for _ in range(ctx.rows(2000, minimum=100) // 2)]
        plant(rows, dirt, rng)
        add_duplicates(rows, 1, rng)
        files.append(FeedFile(contract, f"{day}.csv", rows))
    return files
