"""Province-tier sample feeds: the household register (户籍人口, GBK daily CSV, one older export in
GB18030) and market entities (市场主体, UTF-8 daily CSV, one legacy export in UTF-16).

Owns these two feeds' rows and planted dirt; the world, people and writers are shared.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from feeds.sample.addresses import AddressRenderer, Rendered
from feeds.sample.context import Context, Resident
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
    set_values,
    transform,
    ts,
)
from feeds.sample.people import (
    bad_check_digit,
    bad_credit_code,
    chinese_name,
    credit_code,
    impossible_birth_id,
)
from feeds.sample.world import House

TRADE_NAMES = (
    "华信",
    "创达",
    "恒远",
    "博雅",
    "新锐",
    "云端",
    "数智",
    "宏图",
    "锦程",
    "天成",
    "启明",
    "晨曦",
    "嘉禾",
    "鼎盛",
    "瑞丰",
    "安和",
    "聚源",
    "汇通",
    "明德",
    "同创",
    "盛世",
    "浩然",
    "新禾",
    "青藤",
    "蓝海",
    "正泰",
    "远航",
    "卓越",
)
INDUSTRIES = (
    ("信息传输、软件和信息技术服务业", "网络科技"),
    ("批发和零售业", "贸易"),
    ("住宿和餐饮业", "餐饮管理"),
    ("租赁和商务服务业", "企业管理咨询"),
    ("科学研究和技术服务业", "技术服务"),
    ("建筑业", "建设工程"),
    ("制造业", "电子科技"),
    ("居民服务、修理和其他服务业", "家政服务"),
    ("教育", "教育科技"),
    ("交通运输、仓储和邮政业", "物流"),
)
CROPS = ("茶叶", "竹笋", "蔬菜", "葡萄")
SHOPS = ("便利店", "面馆", "水果店", "理发店", "五金店", "小吃店", "干洗店", "花店")
ENTITY_TYPES = (
    ("有限责任公司", 45),
    ("个体工商户", 35),
    ("个人独资企业", 7),
    ("合伙企业", 5),
    ("股份有限公司", 3),
)


def _register_row(r: Resident, rendered_address: Rendered, updated: datetime) -> FeedRow:
    p = r.person
    row = FeedRow(
        {
            "公民身份号码": p.resident_id,
            "姓名": p.name,
            "性别": p.sex,
            "出生日期": p.birth_date.isoformat(),
            "户号": r.household_id,
            "与户主关系": r.relation,
            "更新时间": ts(updated),
        }
    )
    row.set_address("住址", rendered_address)
    return row


def _register_dirt(ctx: Context, renderer: AddressRenderer) -> list[Dirt]:
    counties = ctx.zhejiang_counties
    return [
        Dirt(
            "invalid_resident_id:check_digit",
            "check:resident_id",
            2,
            transform("公民身份号码", lambda v, _: bad_check_digit(v)),
        ),
        Dirt(
            "invalid_resident_id:birth_date",
            "check:resident_id",
            1,
            transform("公民身份号码", lambda v, rng: impossible_birth_id(rng.choice(counties), rng)),
        ),
        Dirt("missing_required:姓名", "required", 1, set_value("姓名", "")),
        Dirt("uncastable:出生日期", "cast", 1, set_values("出生日期", ("不详", "1985-13-45"))),
        garbage_address("住址", renderer, count=2),
    ]


def household_register(ctx: Context) -> list[FeedFile]:
    """Two GBK daily exports plus an older GB18030 export carrying names outside GBK."""
    contract = ctx.contracts["household_register"]
    rng = ctx.rng("household_register")
    renderer = ctx.renderer("household_register", encoding="gbk")
    residents = ctx.residents
    daily = ctx.rows(5000, minimum=300)
    files = []
    days = [ctx.today - timedelta(days=1), ctx.today]
    half = daily // 2
    for day, chunk in zip(days, (residents[:half], residents[half:daily]), strict=True):
        rows = [
            _register_row(r, renderer.house(r.house), at(day, rng.randint(1, 23), rng.randrange(60)))
            for r in chunk
        ]
        plant(rows, _register_dirt(ctx, renderer), rng)
        add_duplicates(rows, 2, rng)
        files.append(
            FeedFile(
                contract,
                f"{day}.csv",
                rows,
                encoding="gbk",
                file_dirt=[("encoding:gbk", PUBLISHED)],
            )
        )
    # An older export from a system writing GB18030: a few names carry characters outside GBK.
    older = ctx.today - timedelta(days=2)
    rows = []
    for i, r in enumerate(residents[daily : daily + ctx.rows(150, minimum=30)]):
        resident = r
        if i % 10 == 5:
            resident = Resident(
                ctx.person(r.person.resident_id[:6], r.person.age_on(ctx.today), rng, rare_name=True),
                r.house,
                r.household_id,
                r.relation,
            )
        row = _register_row(
            resident, renderer.house(r.house), at(older, rng.randint(1, 23), rng.randrange(60))
        )
        if resident is not r:
            row.mark("gb18030_character", PUBLISHED)
        rows.append(row)
    files.append(
        FeedFile(
            contract,
            f"{older}.csv",
            rows,
            encoding="gb18030",
            file_dirt=[("encoding:gb18030", PUBLISHED)],
        )
    )
    return files


def _pick_entity_type(house: House, rng: random.Random) -> str:
    if house.estate is not None and house.estate.kind == "村":
        return "农民专业合作社"
    return rng.choices([k for k, _ in ENTITY_TYPES], [w for _, w in ENTITY_TYPES])[0]


def _entity_name(kind: str, business: str, house: House, rng: random.Random) -> str:
    trade = rng.choice(TRADE_NAMES) + rng.choice(TRADE_NAMES)[0]
    return {
        "有限责任公司": f"杭州{trade}{business}有限公司",
        "股份有限公司": f"浙江{trade}{business}股份有限公司",
        "个体工商户": f"{house.community.district_name}{chinese_name(rng)[0]}记{rng.choice(SHOPS)}",
        "个人独资企业": f"杭州{trade}{business}工作室",
        "合伙企业": f"杭州{trade}投资合伙企业（有限合伙）",
        "农民专业合作社": f"杭州市余杭区{house.community.short_name}{rng.choice(CROPS)}专业合作社",
    }[kind]


def _entity_row(
    ctx: Context, house: House, renderer: AddressRenderer, day: date, codes: set[str], rng: random.Random
) -> FeedRow:
    kind = _pick_entity_type(house, rng)
    industry, business = ("农、林、牧、渔业", "") if kind == "农民专业合作社" else rng.choice(INDUSTRIES)
    while (code := credit_code(house.community.district_code, kind, rng)) in codes:
        pass
    codes.add(code)
    capital = None if kind == "个体工商户" else float(rng.choice((3, 10, 50, 100, 200, 500, 1000, 5000)))
    established = date(rng.randint(2000, day.year - 1), rng.randint(1, 12), rng.randint(1, 28))
    row = FeedRow(
        {
            "统一社会信用代码": code,
            "主体名称": _entity_name(kind, business, house, rng),
            "法定代表人": chinese_name(rng),
            "行业门类": industry,
            "主体类型": kind,
            "成立日期": established.isoformat(),
            "注册资本（万元）": capital,
            "更新时间": ts(at(day, rng.randint(8, 20), rng.randrange(60), rng.randrange(60))),
        }
    )
    row.set_address("住所", renderer.house(house))
    return row


def market_entity(ctx: Context) -> list[FeedFile]:
    """Two UTF-8 daily exports and a legacy export in UTF-16 without a byte-order mark (must be
    rejected:encoding: its byte order is a guess; with a mark it would be read)."""
    contract = ctx.contracts["market_entity"]
    rng = ctx.rng("market_entity")
    renderer = ctx.renderer("market_entity")
    premises = [
        h for h in ctx.world.houses if h.estate is None or h.estate.kind in ("大厦", "村") or h.floor == 1
    ]
    codes: set[str] = set()
    total = ctx.rows(3000, minimum=200)
    dirt = [
        Dirt(
            "invalid_credit_code",
            "check:credit_code",
            2,
            transform("统一社会信用代码", lambda v, _: bad_credit_code(v)),
        ),
        Dirt("uncastable:注册资本", "cast", 1, set_value("注册资本（万元）", "待定")),
        Dirt("missing_required:主体名称", "required", 1, set_value("主体名称", "")),
        garbage_address("住所", renderer, "emoji", count=2),
    ]
    files = []
    for n, day in enumerate((ctx.today - timedelta(days=1), ctx.today)):
        rows = [_entity_row(ctx, rng.choice(premises), renderer, day, codes, rng) for _ in range(total // 2)]
        plant(rows, dirt, rng)
        if n == 1:
            plant(
                rows,
                [Dirt("malformed_row:missing_field", "malformed_row", 1, _drop_last_field)],
                rng,
            )
        add_duplicates(rows, 2, rng)
        files.append(FeedFile(contract, f"{day}.csv", rows))
    legacy = ctx.today - timedelta(days=3)
    rows = [_entity_row(ctx, rng.choice(premises), renderer, legacy, codes, rng) for _ in range(40)]
    files.append(
        FeedFile(
            contract,
            f"{legacy}.csv",
            rows,
            encoding="utf-16-le",
            file_dirt=[("wrong_encoding:utf-16-le", "rejected:encoding")],
        )
    )
    return files


def _drop_last_field(row: FeedRow, rng: random.Random) -> None:
    row.extra_fields = -1
