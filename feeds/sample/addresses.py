"""Address strings rendered from the world: standard forms at house, building, estate or doorplate
level, the variants real feeds carry (栋/号楼/座, missing levels, abbreviations, traditional
characters, full-width digits, Chinese numerals, 3-2-502 shorthand) and deliberate garbage.

Every string comes with its truth (which house/building/estate/community it denotes), so the
address engineer can score a matcher. It owns rendering; it does not parse or match.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass

import opencc

from feeds.sample.divisions import CITY, PROVINCE
from feeds.sample.world import Building, Community, Estate, House

# Variant kinds that a correct pipeline must still load (expect "published").
VARIANTS = (
    "synonym_building",
    "missing_district",
    "missing_street",
    "abbreviation",
    "traditional",
    "fullwidth_digits",
    "chinese_numerals",
    "dash_shorthand",
)
_DIGITS = "〇一二三四五六七八九"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_S2T = opencc.OpenCC("s2t")


@dataclass(frozen=True)
class Truth:
    """What an address string denotes; all keys None for garbage."""

    granularity: str  # house | building | estate | road_number | community | none
    house_key: str | None = None
    building_key: str | None = None
    estate_key: str | None = None
    community_code: str | None = None


@dataclass(frozen=True)
class Rendered:
    text: str
    truth: Truth
    variant: str | None = None  # one of VARIANTS, 'garbage:<kind>', or None for a standard form


Parts = list[tuple[str, str]]  # (role, text) in reading order


def chinese_number(n: int) -> str:
    """Read a small number the way people write it: 3 -> 三, 12 -> 十二, 25 -> 二十五."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def _admin(community: Community, rng: random.Random) -> Parts:
    parts: Parts = []
    if rng.random() < 0.15:
        parts.append(("province", PROVINCE))
    if parts or rng.random() < 0.7:
        parts.append(("city", CITY))
    parts += [("district", community.district_name), ("street", community.street_name)]
    return parts


def _doorplate(road: str | None, number: int | None) -> Parts:
    return [("road", road), ("number", f"{number}号")] if road and number is not None else []


def _estate_parts(estate: Estate | None, rng: random.Random, with_doorplate: bool) -> Parts:
    if estate is None or estate.kind == "村":
        return []
    door = _doorplate(estate.road, estate.road_number) if with_doorplate else []
    return door + [("estate", estate.name)]


def building_parts(building: Building, rng: random.Random) -> Parts:
    """The standard parts of a building address (estate + 幢, or a shop's or rural doorplate)."""
    parts = _admin(building.community, rng)
    if building.estate is None or building.estate.kind == "村":
        return parts + _doorplate(building.road, building.road_number)
    parts += _estate_parts(building.estate, rng, with_doorplate=rng.random() < 0.6)
    if building.number is not None:
        parts.append(("building", f"{building.number}幢"))
    return parts


def house_parts(house: House, rng: random.Random) -> Parts:
    """The standard parts of a house address: its building's, then unit and room."""
    parts = building_parts(house.building, rng)
    if house.unit is not None:
        parts.append(("unit", f"{house.unit}单元"))
    if house.room is not None:
        parts.append(("room", f"{house.room}室"))
    return parts


def _swap(parts: Parts, role: str, fn: Callable[[str], str]) -> Parts:
    return [(r, fn(t) if r == role else t) for r, t in parts]


def _numeral(text: str, suffix: str) -> str:
    digits = text.removesuffix(suffix)
    if suffix == "室":  # rooms are read digit by digit: 502 -> 五〇二
        return "".join(_DIGITS[int(d)] for d in digits) + suffix
    return chinese_number(int(digits)) + suffix


def applicable_variants(parts: Parts) -> list[str]:
    """The variants that change these parts (building-only variants need a building)."""
    roles = {r for r, _ in parts}
    out = ["missing_district", "missing_street", "abbreviation", "traditional"]
    if any(ch.isdigit() for _, t in parts for ch in t):
        out.append("fullwidth_digits")
    if "building" in roles:
        out += ["synonym_building", "chinese_numerals"]
    if {"building", "unit", "room"} <= roles:
        out.append("dash_shorthand")
    return out


def apply_variant(parts: Parts, variant: str, rng: random.Random) -> str:
    """Render `parts` with one real-world variant applied."""
    if variant == "synonym_building":
        syn = rng.choice(("栋", "号楼", "座"))
        parts = _swap(parts, "building", lambda t: t.replace("幢", syn))
    elif variant == "missing_district":
        parts = [(r, t) for r, t in parts if r not in ("province", "city", "district")]
    elif variant == "missing_street":
        parts = [(r, t) for r, t in parts if r != "street"]
    elif variant == "abbreviation":
        parts = [(r, t) for r, t in parts if r != "province"]
        if not any(r == "city" for r, _ in parts):
            parts.insert(0, ("city", CITY))
        parts = _swap(
            _swap(parts, "city", lambda t: t.removesuffix("市")),
            "district",
            lambda t: t.removesuffix("区"),
        )
    elif variant == "chinese_numerals":
        for role, suffix in (("building", "幢"), ("unit", "单元"), ("room", "室")):
            parts = _swap(parts, role, functools.partial(_numeral, suffix=suffix))
    elif variant == "dash_shorthand":
        b = next(t for r, t in parts if r == "building").removesuffix("幢")
        u = next(t for r, t in parts if r == "unit").removesuffix("单元")
        room = next(t for r, t in parts if r == "room").removesuffix("室")
        parts = [(r, t) for r, t in parts if r not in ("building", "unit", "room")]
        parts.append(("building", f"{b}-{u}-{room}"))
    text = "".join(t for _, t in parts)
    if variant == "traditional":
        return _S2T.convert(text)
    if variant == "fullwidth_digits":
        return text.translate(_FULLWIDTH)
    return text


GARBAGE = {
    "random_text": ("不详", "见附件", "同上", "asdf1234", "？？？", "待核实", "无"),
    "emoji": ("🏠🏠🏠", "门口🚗🚗", "😀😀地址😀"),
    "very_long": ("测试地址" * 2500,),  # 10,000 characters
}


def garbage(kind: str, rng: random.Random) -> Rendered:
    """A deliberately unresolvable address of `kind` (see GARBAGE)."""
    return Rendered(rng.choice(GARBAGE[kind]), Truth("none"), f"garbage:{kind}")


def encodable(text: str, encoding: str) -> bool:
    """Whether `text` survives `encoding` (GBK feeds cannot carry emoji)."""
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


class AddressRenderer:
    """Renders world objects as feed address strings; a share of them as variants."""

    def __init__(self, rng: random.Random, every: int = 25, encoding: str = "utf-8") -> None:
        self.rng = rng
        self.every = every  # one address in `every` is a variant, cycling through VARIANTS
        self.encoding = encoding
        self._count = 0
        self._next_variant = 0

    def _rotate(self, parts: Parts) -> str | None:
        self._count += 1
        if self._count % self.every:
            return None
        usable = applicable_variants(parts)
        for _ in VARIANTS:  # the next variant in rotation that applies to these parts
            v = VARIANTS[self._next_variant % len(VARIANTS)]
            self._next_variant += 1
            if v in usable:
                return v
        return None

    def _finish(self, parts: Parts, truth: Truth, variant: str | None) -> Rendered:
        """`variant` None: standard or the rotation's variant; "": standard; else that variant."""
        if variant is None:
            variant = self._rotate(parts)
        if not variant:
            return Rendered("".join(t for _, t in parts), truth)
        text = apply_variant(parts, variant, self.rng)
        if not encodable(text, self.encoding):
            return Rendered("".join(t for _, t in parts), truth)
        return Rendered(text, truth, variant)

    def house(self, house: House, variant: str | None = None) -> Rendered:
        """A house-level address (room, shop doorplate or rural 组号)."""
        truth = Truth(
            "house",
            house.key,
            house.building.key,
            house.estate.key if house.estate else None,
            house.community.code,
        )
        return self._finish(house_parts(house, self.rng), truth, variant)

    def building(self, building: Building, variant: str | None = None) -> Rendered:
        """A building-level address (estate + 幢)."""
        truth = Truth(
            "building",
            None,
            building.key,
            building.estate.key if building.estate else None,
            building.community.code,
        )
        return self._finish(building_parts(building, self.rng), truth, variant)

    def estate(self, estate: Estate, tail: str = "", variant: str | None = None) -> Rendered:
        """An estate-level address, e.g. '西湖区翠苑街道金都花园地下停车场'."""
        parts = _admin(estate.community, self.rng) + _estate_parts(estate, self.rng, True)
        parts.append(("tail", tail))
        return self._finish(parts, Truth("estate", None, None, estate.key, estate.community.code), variant)

    def near(self, house: House, tail: str, variant: str | None = None) -> Rendered:
        """A place described by a doorplate and a direction, e.g. '文三路123号东侧'."""
        parts = _admin(house.community, self.rng) + _doorplate(house.road, house.road_number)
        parts.append(("tail", tail))
        truth = Truth("road_number", house.key, house.building.key, None, house.community.code)
        return self._finish(parts, truth, variant)

    def garbage(self, kind: str | None = None) -> Rendered:
        """Deliberate garbage that survives this renderer's encoding."""
        kinds = [k for k in GARBAGE if all(encodable(t, self.encoding) for t in GARBAGE[k])]
        chosen = kind if kind in kinds else self.rng.choice(kinds)
        return garbage(chosen, self.rng)
