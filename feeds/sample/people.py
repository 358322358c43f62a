"""Synthetic people and organisations: Chinese names, resident IDs with real region prefixes and
correct GB 11643 check digits, mobiles, unified social credit codes, and the deliberate invalid
forms of each. Owns identity generation only; nothing here knows about feeds or files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from feeds.sample.identifiers import (
    CREDIT_CODE_CHARSET,
    credit_code_check_char,
    org_code_check_char,
    resident_id_check_digit,
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严戴莫孔汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官")
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅林波辉鹏飞宇浩然子涵欣怡"
    "梓轩雨婷思远嘉琪晨阳佳颖文博昊天一诺俊杰婉清雅琴德福根宝金凤月娥荣生海燕立新卫东春花"
)
# Characters in GB 18030 but not in GBK (CJK Extension A), as found in real names.
GB18030_ONLY = ("䶮", "㛃", "㐱", "䒟")

# Real county-level codes outside Zhejiang (GB/T 2260), for migrants' resident IDs and 户籍地.
OTHER_PROVINCE_COUNTIES = (
    ("340104", "安徽省合肥市蜀山区"),
    ("410102", "河南省郑州市中原区"),
    ("360102", "江西省南昌市东湖区"),
    ("430102", "湖南省长沙市芙蓉区"),
    ("420102", "湖北省武汉市江岸区"),
    ("510104", "四川省成都市锦江区"),
    ("320102", "江苏省南京市玄武区"),
    ("520102", "贵州省贵阳市南明区"),
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
)


@dataclass(frozen=True)
class Person:
    name: str
    resident_id: str
    sex: str  # 男 | 女
    birth_date: date
    mobile: str

    def age_on(self, day: date) -> int:
        """Completed years on `day`."""
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def chinese_name(rng: random.Random, rare: bool = False) -> str:
    """A plausible name; `rare` puts a GB18030-only character in the given name."""
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    if rare:
        given = given[:-1] + rng.choice(GB18030_ONLY) if len(given) > 1 else rng.choice(GB18030_ONLY)
    return surname + given


def resident_id(region: str, born: date, male: bool, rng: random.Random) -> str:
    """An 18-digit resident ID with a correct check digit (odd 17th digit for men)."""
    seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + resident_id_check_digit(body)


def bad_check_digit(valid_id: str) -> str:
    """The same ID with a wrong check character."""
    right = valid_id[17]
    return valid_id[:17] + next(c for c in "0123456789X" if c != right)


def impossible_birth_id(region: str, rng: random.Random) -> str:
    """An ID whose birth date cannot exist (Feb 30 or month 13) but whose check digit is right."""
    body = f"{region}{rng.choice(('19850230', '19721301', '20010431'))}{rng.randrange(1000):03d}"
    return body + resident_id_check_digit(body)


def mobile(rng: random.Random) -> str:
    """A valid-looking mainland mobile number."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# What a bad mobile in an optional phone column must answer: the contract's mobile check warns there
# (a format check on an optional PII column), so the row is published with a finding. In a
# required phone column it is still `check:mobile`, quarantined.
WARN_MOBILE = "warn:check:mobile"


def bad_mobile(rng: random.Random) -> str:
    """A contact number that is not a mobile: too short, bad prefix or a landline."""
    return rng.choice(
        (
            mobile(rng)[:10],
            "12" + f"{rng.randrange(10**9):09d}",
            f"0571-8{rng.randrange(10**7):07d}",
        )
    )


def birth_date_for_age(age: int, anchor: date, rng: random.Random) -> date:
    """A birth date giving `age` completed years on `anchor`."""
    return anchor - timedelta(days=age * 365 + rng.randrange(0, 360) + age // 4)


def person(
    region: str,
    age: int,
    anchor: date,
    rng: random.Random,
    rare_name: bool = False,
    male: bool | None = None,
) -> Person:
    """A person of `age` born in `region` (6-digit county code); sex random unless given."""
    if male is None:
        male = rng.random() < 0.5
    born = birth_date_for_age(age, anchor, rng)
    return Person(
        chinese_name(rng, rare_name),
        resident_id(region, born, male, rng),
        "男" if male else "女",
        born,
        mobile(rng),
    )


def credit_code(region: str, entity_type: str, rng: random.Random) -> str:
    """A GB 32100 unified social credit code registered by market regulation (9) in `region`."""
    category = {"个体工商户": "2", "农民专业合作社": "3"}.get(entity_type, "1")
    org8 = "MA" + "".join(rng.choice(CREDIT_CODE_CHARSET) for _ in range(6))
    body = f"9{category}{region}{org8}{org_code_check_char(org8)}"
    return body + credit_code_check_char(body)


def bad_credit_code(valid: str) -> str:
    """The same credit code with a wrong check character."""
    right = valid[17]
    return valid[:17] + next(c for c in CREDIT_CODE_CHARSET if c != right)
