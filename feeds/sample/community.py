"""Community-tier sample feeds: hand-filled Excel workbooks (elderly needing care, time-bank
volunteers, rental housing, resident satisfaction follow-ups; one per community, with Chinese
numerals, full-width digits, numbers typed as numbers and mixed date formats) and IoT readings as
CSV (water level at flood-prone points hourly, elevator fault alarms daily).

Owns these feeds' rows and planted dirt; the workbook layout is `excel.py`'s job.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from feeds.sample.addresses import AddressRenderer, chinese_number
from feeds.sample.context import Context
from feeds.sample.model import (
    PUBLISHED,
    Dirt,
    FeedFile,
    FeedRow,
    add_duplicates,
    at,
    garbage_address,
    plant,
    set_value,
    transform,
    ts,
)
from feeds.sample.people import WARN_MOBILE, Person, bad_check_digit, bad_mobile
from feeds.sample.world import Community, House

_FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
CARE_LEVELS = ("轻度", "中度", "重度")
FAULT_TYPES = ("困人", "非平层停梯", "冲顶", "蹲底", "门区外停梯", "运行中开门")
# What residents are asked about on a follow-up visit or call, and how often.
EVALUATED = (
    ("网格事件处置", 40),
    ("物业服务", 15),
    ("环境卫生", 15),
    ("养老服务", 10),
    ("便民服务", 10),
    ("文体活动", 5),
    ("社区治安", 5),
)
SCORE_WEIGHTS = (4, 6, 20, 35, 35)  # 1 非常不满意 ... 5 非常满意
# Residents' own words by score band (1-2, 3, 4-5); some name a neighbour or a door, as people do.
COMMENTS = (
    ("反映了三次还没人来处理", "处理太慢，希望尽快解决", "楼上王师傅家漏水的事一直拖着", "电话打不通"),
    ("处理了但不彻底", "还可以，希望加强巡查", "基本解决了"),
    ("处理及时，很满意", "网格员很负责", "感谢社区帮忙", "3幢2单元的李阿姨说要表扬小张"),
)


def hand_date(d: date, rng: random.Random) -> tuple[Any, str | None]:
    """A date as a community worker types it, and the dirt kind when it is not ISO text."""
    style = rng.choices(("iso", "slash", "chinese", "compact", "cell"), (40, 20, 15, 10, 15))[0]
    return {
        "iso": (d.isoformat(), None),
        "slash": (f"{d.year}/{d.month}/{d.day}", "date_format:slash"),
        "chinese": (f"{d.year}年{d.month}月{d.day}日", "date_format:chinese"),
        "compact": (f"{d:%Y%m%d}", "date_format:compact"),
        "cell": (datetime(d.year, d.month, d.day), "date_format:excel_date_cell"),
    }[style]


def hand_number(n: float, rng: random.Random) -> tuple[Any, str | None]:
    """A number as typed by hand: mostly a number cell, sometimes Chinese numerals or full-width."""
    roll = rng.random()
    if roll < 0.1 and n == int(n) and 0 < n < 100:
        return chinese_number(int(n)), "number:chinese_numerals"
    if roll < 0.2:
        return f"{n:g}".translate(_FULLWIDTH), "number:fullwidth_digits"
    return (int(n) if n == int(n) else n), None


def hand_mobile(value: str, rng: random.Random) -> tuple[Any, str | None]:
    """A mobile typed into a number cell now and then (Excel keeps it as a number)."""
    return (int(value), "number_cell:mobile") if rng.random() < 0.2 else (value, None)


def _put(row: FeedRow, header: str, typed: tuple[Any, str | None]) -> None:
    value, kind = typed
    row.values[header] = value
    if kind:
        row.mark(kind, PUBLISHED)


def _plant_hand_filled(rows: list[FeedRow], dirt: list[Dirt], duplicates: int, rng: random.Random) -> None:
    # rows with only 'published' quirks still count as clean for planting rejecting dirt
    quirks = {id(r): r.dirt for r in rows}
    for r in rows:
        r.dirt = []
    plant(rows, dirt, rng)
    for r in rows:
        if id(r) in quirks and not r.rejected:
            r.dirt = quirks[id(r)] + r.dirt
    add_duplicates(rows, duplicates, rng)


def excel_communities(ctx: Context) -> list[Community]:
    """The communities that keep hand-filled workbooks (about 10 at scale 1)."""
    urban = [c for c in ctx.world.communities if not c.is_village]
    rng = random.Random(f"{ctx.seed}:excel_communities")  # fresh: every caller gets the same choice
    return sorted(rng.sample(urban, min(len(urban), max(2, round(10 * ctx.scale)))), key=lambda c: c.code)


def _blocks(n: int, rng: random.Random) -> list[int]:
    out = []
    while n > 0:
        out.append(min(n, rng.randint(5, 12)))
        n -= out[-1]
    return out


def _workbooks(
    ctx: Context,
    dataset: str,
    what: str,
    groups: dict[str, str],
    make_row: Callable[[Community, list[House], int, random.Random], tuple[FeedRow, House]],
    dirt: Callable[[AddressRenderer], list[Dirt]],
) -> list[FeedFile]:
    contract = ctx.contracts[dataset]
    rng = ctx.rng(dataset)
    renderer = ctx.renderer(dataset, every=10)
    assert contract.address is not None
    address_header = contract.column(contract.address.column).source_name
    files = []
    for i, community in enumerate(excel_communities(ctx)):
        houses = [h for h in ctx.world.houses_in(community.code) if h.room is not None]
        n = max(8, round(rng.randint(20, 40) * min(ctx.scale, 1.0)))
        rows = []
        for k in range(n):
            row, house = make_row(community, houses, k, rng)
            row.set_address(address_header, renderer.house(house))
            rows.append(row)
        if i < 2:  # the first two communities' workbooks carry the rejecting dirt
            _plant_hand_filled(rows, dirt(renderer), 1, rng)
        title = f"{community.street_name}{community.name}{what}台账（{ctx.today:%Y年%m月}）"
        files.append(
            FeedFile(
                contract,
                f"{community.code}_{community.name}.xlsx",
                rows,
                title=title,
                groups=groups,
                blocks=_blocks(len(rows), rng),
            )
        )
    return files


def _elderly(
    ctx: Context,
) -> Callable[[Community, list[House], int, random.Random], tuple[FeedRow, House]]:
    by_community: dict[str, list[tuple[Person, House]]] = {}
    for r in ctx.residents:
        if r.person.age_on(ctx.today) >= 60:
            by_community.setdefault(r.house.community.code, []).append((r.person, r.house))

    def make(community: Community, houses: list[House], k: int, rng: random.Random) -> tuple[FeedRow, House]:
        known = by_community.get(community.code, [])
        if k < len(known):
            p, house = known[k]
        else:
            p, house = (
                ctx.person(community.district_code, rng.randint(60, 95), rng),
                rng.choice(houses),
            )
        row = FeedRow({"身份证号": p.resident_id, "姓名": p.name, "照护等级": rng.choice(CARE_LEVELS)})
        _put(row, "年龄", hand_number(p.age_on(ctx.today), rng))
        phone = "" if rng.random() < 0.15 else p.mobile
        _put(row, "联系电话", hand_mobile(phone, rng) if phone else ("", None))
        _put(row, "评估日期", hand_date(ctx.today - timedelta(days=rng.randrange(10, 900)), rng))
        return row, house

    return make


def elderly_care(ctx: Context) -> list[FeedFile]:
    """需照护老年人: residents aged 60+ of each community, assessed on mixed-format dates."""
    return _workbooks(
        ctx,
        "elderly_care",
        "需照护老年人",
        {
            "身份证号": "基本信息",
            "姓名": "基本信息",
            "年龄": "基本信息",
            "照护等级": "照护情况",
            "居住地址": "居住与联系",
            "联系电话": "居住与联系",
            "评估日期": "评估",
        },
        _elderly(ctx),
        lambda renderer: [
            Dirt("uncastable:年龄", "cast", 1, set_value("年龄", "约七十")),
            Dirt("missing_required:照护等级", "required", 1, set_value("照护等级", None)),
            Dirt(
                "invalid_resident_id:check_digit",
                "check:resident_id",
                1,
                transform("身份证号", lambda v, _: bad_check_digit(v)),
            ),
            garbage_address("居住地址", renderer, "random_text"),
        ],
    )


def timebank_volunteer(ctx: Context) -> list[FeedFile]:
    """时间银行志愿者: ids TB + community + sequence, service hours typed by hand."""
    index = {c.code: i for i, c in enumerate(excel_communities(ctx), start=1)}

    def make(community: Community, houses: list[House], k: int, rng: random.Random) -> tuple[FeedRow, House]:
        p = ctx.person(community.district_code, rng.randint(18, 75), rng)
        row = FeedRow({"志愿者编号": f"TB{index[community.code]:02d}{k + 1:04d}", "姓名": p.name})
        _put(row, "手机号码", hand_mobile(p.mobile, rng))
        _put(
            row,
            "累计服务时长（小时）",
            hand_number(rng.choice((2, 4, 6, 12, 20, 36)) + rng.choice((0, 0.5)), rng),
        )
        _put(row, "加入日期", hand_date(ctx.today - timedelta(days=rng.randrange(30, 2000)), rng))
        return row, rng.choice(houses)

    return _workbooks(
        ctx,
        "timebank_volunteer",
        "时间银行志愿者",
        {
            "志愿者编号": "基本信息",
            "姓名": "基本信息",
            "手机号码": "基本信息",
            "住址": "基本信息",
            "累计服务时长（小时）": "服务记录",
            "加入日期": "服务记录",
        },
        make,
        lambda renderer: [
            Dirt(
                "invalid_mobile",
                "check:mobile",
                1,
                lambda row, rng: row.values.update({"手机号码": bad_mobile(rng)}),
            ),
            Dirt("uncastable:累计服务时长", "cast", 1, set_value("累计服务时长（小时）", "约10小时")),
            Dirt("missing_required:手机号码", "required", 1, set_value("手机号码", None)),
        ],
    )


def _comment(score: int, rng: random.Random) -> str:
    if rng.random() < 0.4:
        return ""
    return rng.choice(COMMENTS[0 if score <= 2 else 1 if score == 3 else 2])


def resident_evaluation(ctx: Context) -> list[FeedFile]:
    """居民满意度评价: follow-up visits and calls PJ + community + sequence, scored 1-5 by hand; grid
    event handling is rated days after the event, citing its number from the platform."""
    index = {c.code: i for i, c in enumerate(excel_communities(ctx), start=1)}

    def make(community: Community, houses: list[House], k: int, rng: random.Random) -> tuple[FeedRow, House]:
        visited = ctx.today - timedelta(days=rng.randrange(1, 60))
        service = rng.choices([s for s, _ in EVALUATED], [w for _, w in EVALUATED])[0]
        event_day = visited - timedelta(days=rng.randrange(1, 8))
        score = rng.choices(range(1, 6), SCORE_WEIGHTS)[0]
        row = FeedRow(
            {
                "评价编号": f"PJ{index[community.code]:02d}{k + 1:04d}",
                "评价事项": service,
                "关联事件编号": f"SJ{event_day:%y%m%d}{rng.randrange(1, 3000):06d}"
                if service == "网格事件处置"
                else "",
                "意见建议": _comment(score, rng),
            }
        )
        _put(row, "回访日期", hand_date(visited, rng))
        _put(row, "满意度评分（1-5）", hand_number(score, rng))
        resident = ctx.person(community.district_code, rng.randint(25, 85), rng)
        _put(row, "联系电话", ("", None) if rng.random() < 0.3 else hand_mobile(resident.mobile, rng))
        return row, rng.choice(houses)

    return _workbooks(
        ctx,
        "resident_evaluation",
        "居民满意度评价回访",
        {
            "评价编号": "回访信息",
            "回访日期": "回访信息",
            "评价事项": "评价内容",
            "关联事件编号": "评价内容",
            "满意度评分（1-5）": "评价内容",
            "意见建议": "评价内容",
            "居民住址": "居民信息",
            "联系电话": "居民信息",
        },
        make,
        lambda renderer: [
            Dirt("out_of_range:满意度评分", "check:between", 1, set_value("满意度评分（1-5）", 10)),
            Dirt("uncastable:满意度评分", "cast", 1, set_value("满意度评分（1-5）", "满意")),
            Dirt("missing_required:评价事项", "required", 1, set_value("评价事项", None)),
            Dirt("invalid_mobile", WARN_MOBILE, 1, transform("联系电话", lambda _, rng: bad_mobile(rng))),
        ],
    )


def rental_housing(ctx: Context) -> list[FeedFile]:
    """出租房屋: registrations CZ + community + sequence, leases on mixed-format dates."""
    index = {c.code: i for i, c in enumerate(excel_communities(ctx), start=1)}

    def make(community: Community, houses: list[House], k: int, rng: random.Random) -> tuple[FeedRow, House]:
        landlord = ctx.person(community.district_code, rng.randint(35, 80), rng)
        start = ctx.today - timedelta(days=rng.randrange(0, 700))
        row = FeedRow({"登记编号": f"CZ{index[community.code]:04d}{k + 1:04d}", "房东姓名": landlord.name})
        _put(row, "房东电话", hand_mobile(landlord.mobile, rng))
        _put(row, "租住人数", hand_number(rng.choices((1, 2, 3, 4, 6), (30, 35, 20, 10, 5))[0], rng))
        _put(row, "租期起", hand_date(start, rng))
        if rng.random() < 0.9:
            _put(row, "租期止", hand_date(start + timedelta(days=rng.choice((180, 365, 730))), rng))
        return row, rng.choice(houses)

    def lease_end_before_start(row: FeedRow, rng: random.Random) -> None:
        row.values["租期起"], row.values["租期止"] = "2025-06-01", "2025-03-01"

    return _workbooks(
        ctx,
        "rental_housing",
        "出租房屋",
        {
            "登记编号": "房屋信息",
            "房屋地址": "房屋信息",
            "房东姓名": "房东信息",
            "房东电话": "房东信息",
            "租住人数": "租住情况",
            "租期起": "租住情况",
            "租期止": "租住情况",
        },
        make,
        lambda renderer: [
            Dirt("missing_required:房东电话", "required", 1, set_value("房东电话", None)),
            Dirt("uncastable:租住人数", "cast", 1, set_value("租住人数", "若干")),
            Dirt("lease_end_before_start", "check:after", 1, lease_end_before_start),
        ],
    )


def iot_water_level(ctx: Context) -> list[FeedFile]:
    """Hourly readings of flood-prone points; the last hour's file arrives truncated."""
    contract = ctx.contracts["iot_water_level"]
    rng = ctx.rng("iot_water_level")
    renderer = ctx.renderer("iot_water_level", every=7)
    shops = ctx.shops
    sensors = []
    for n in range(1, ctx.rows(20, minimum=4) + 1):
        house = rng.choice(shops)
        where = renderer.near(house, rng.choice(("下穿通道", "积水点", "路口", "低洼处")))
        sensors.append((f"WL{int(house.community.district_code[4:]):02d}{n:04d}", where, rng.uniform(0, 8)))
    files = []
    for hour in range(24):
        rain = 25 * max(0.0, 1 - abs(hour - 16) / 4)  # a shower in the afternoon
        rows = []
        for sensor_id, where, base in sensors:
            row = FeedRow(
                {
                    "sensor_id": sensor_id,
                    "observed_at": ts(at(ctx.today, hour, 0, rng.randrange(0, 30))),
                    "water_level_cm": round(base + rain * rng.uniform(0.5, 1.5), 1),
                }
            )
            row.set_address("point_address", where)
            rows.append(row)
        if hour == 10:
            plant(
                rows,
                [Dirt("uncastable:water_level_cm", "cast", 1, set_value("water_level_cm", "传感器故障"))],
                rng,
            )
        if hour == 12:
            plant(
                rows,
                [
                    Dirt(
                        "out_of_range:water_level_cm",
                        "check:between",
                        1,
                        set_value("water_level_cm", 999.0),
                    )
                ],
                rng,
            )
        truncated = hour == 23
        files.append(
            FeedFile(
                contract,
                f"{ctx.today}_{hour:02d}.csv",
                rows,
                truncate=truncated,
                file_dirt=[("truncated", "rejected:truncated")] if truncated else [],
            )
        )
    return files


def iot_elevator_fault(ctx: Context) -> list[FeedFile]:
    """Daily alarm exports from residential and office elevators (building-level addresses)."""
    contract = ctx.contracts["iot_elevator_fault"]
    rng = ctx.rng("iot_elevator_fault")
    renderer = ctx.renderer("iot_elevator_fault")
    lifts = [b for b in ctx.world.buildings if b.floors >= 11 and b.estate is not None]
    per_file = ctx.rows(500, minimum=40) // 2
    files, seq = [], 0
    for day in (ctx.today - timedelta(days=1), ctx.today):
        rows = []
        for _ in range(per_file):
            seq += 1
            b = rng.choice(lifts)
            fault = at(day, rng.randrange(24), rng.randrange(60), rng.randrange(60))
            recovered = (
                None
                if rng.random() < 0.1
                else min(fault + timedelta(minutes=rng.randint(3, 120)), at(day, 23, 59, 59))
            )
            row = FeedRow(
                {
                    "alarm_id": f"EA{day:%y%m}{seq:06d}",  # 10 digits for up to a million alarms
                    "device_id": f"3110{b.community.district_code}{2005 + int(b.key[-2:]) % 18}"
                    f"{seq % 1000000:06d}",
                    "fault_type": rng.choices(FAULT_TYPES, (30, 25, 5, 5, 20, 15))[0],
                    "fault_at": ts(fault),
                    "recovered_at": ts(recovered),
                }
            )
            row.set_address("address", renderer.building(b))
            rows.append(row)
        plant(
            rows,
            [
                Dirt(
                    "recovered_before_fault",
                    "check:after",
                    1,
                    lambda row, rng: row.values.update({"recovered_at": "2026-01-01 00:00:00"}),
                ),
                Dirt("missing_required:device_id", "required", 1, set_value("device_id", "")),
                garbage_address("address", renderer),
            ],
            rng,
        )
        add_duplicates(rows, 1, rng)
        files.append(FeedFile(contract, f"{day}.csv", rows))
    return files
