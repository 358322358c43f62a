"""Address rendering: each real-world variant as a case table, and the world it renders from."""

from __future__ import annotations

import math
import random
from collections import defaultdict

import pytest

from feeds.sample.addresses import (
    GARBAGE,
    VARIANTS,
    AddressRenderer,
    applicable_variants,
    apply_variant,
    chinese_number,
    encodable,
)
from feeds.sample.divisions import load_divisions
from feeds.sample.world import build_world

PARTS = [
    ("city", "杭州市"),
    ("district", "西湖区"),
    ("street", "翠苑街道"),
    ("road", "文三路"),
    ("number", "123号"),
    ("estate", "金都花园"),
    ("building", "3幢"),
    ("unit", "2单元"),
    ("room", "502室"),
]


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("missing_district", "翠苑街道文三路123号金都花园3幢2单元502室"),
        ("missing_street", "杭州市西湖区文三路123号金都花园3幢2单元502室"),
        ("abbreviation", "杭州西湖翠苑街道文三路123号金都花园3幢2单元502室"),
        ("traditional", "杭州市西湖區翠苑街道文三路123號金都花園3幢2單元502室"),
        ("fullwidth_digits", "杭州市西湖区翠苑街道文三路１２３号金都花园３幢２单元５０２室"),
        ("chinese_numerals", "杭州市西湖区翠苑街道文三路123号金都花园三幢二单元五〇二室"),
        ("dash_shorthand", "杭州市西湖区翠苑街道文三路123号金都花园3-2-502"),
    ],
)
def test_variants(variant: str, expected: str) -> None:
    assert apply_variant(PARTS, variant, random.Random(1)) == expected


def test_building_synonyms() -> None:
    seen = {apply_variant(PARTS, "synonym_building", random.Random(s)) for s in range(30)}
    assert seen == {
        f"杭州市西湖区翠苑街道文三路123号金都花园3{syn}2单元502室" for syn in ("栋", "号楼", "座")
    }


@pytest.mark.parametrize(
    ("n", "text"), [(0, "〇"), (3, "三"), (10, "十"), (12, "十二"), (25, "二十五"), (72, "七十二")]
)
def test_chinese_number(n: int, text: str) -> None:
    assert chinese_number(n) == text


def test_place_names_keep_their_numerals() -> None:
    # 三墩/五常 are names, not numbers: numerals only change next to 幢/单元/室
    parts = [
        ("district", "西湖区"),
        ("street", "三墩镇"),
        ("estate", "五常花园"),
        ("building", "12幢"),
        ("unit", "1单元"),
        ("room", "1101室"),
    ]
    assert (
        apply_variant(parts, "chinese_numerals", random.Random(0))
        == "西湖区三墩镇五常花园十二幢一单元一一〇一室"
    )


def test_variants_need_their_parts() -> None:
    shop = [("district", "西湖区"), ("street", "翠苑街道"), ("road", "文三路"), ("number", "8号")]
    assert "dash_shorthand" not in applicable_variants(shop)
    assert "synonym_building" not in applicable_variants(shop)
    assert set(applicable_variants(PARTS)) >= {
        "dash_shorthand",
        "synonym_building",
        "chinese_numerals",
    }


def test_garbage_respects_the_feed_encoding() -> None:
    renderer = AddressRenderer(random.Random(0), encoding="gbk")
    for _ in range(50):
        g = renderer.garbage()
        assert encodable(g.text, "gbk") and g.truth.house_key is None and g.variant.startswith("garbage:")
    assert len(GARBAGE["very_long"][0]) == 10_000


def test_rotation_plants_every_variant_and_keeps_truth() -> None:
    world = build_world(5)
    renderer = AddressRenderer(random.Random(0), every=2)
    houses = [h for h in world.houses if h.unit is not None][:400]
    rendered = [renderer.house(h) for h in houses]
    assert {r.variant for r in rendered} - {None} == set(VARIANTS)
    assert all(r.truth.house_key == h.key for r, h in zip(rendered, houses, strict=True))


@pytest.fixture(scope="module")
def world():
    return build_world(20231)


def test_world_uses_real_divisions(world) -> None:
    divisions = load_divisions()
    districts = set()
    for c in world.communities:
        assert divisions[c.code].name == c.name and divisions[c.code].parent_code == c.street_code
        assert divisions[c.street_code].name == c.street_name
        assert divisions[c.district_code].name == c.district_name and c.district_code.startswith("3301")
        districts.add(c.district_code)
    assert len(districts) >= 5
    assert any(c.is_village and c.name.endswith("村委会") for c in world.communities)


def test_world_keys_and_doorplates_are_unique(world) -> None:
    assert len({h.key for h in world.houses}) == len(world.houses)
    assert len({b.key for b in world.buildings}) == len(world.buildings)
    doorplates = [(h.road, h.road_number) for h in world.houses if h.estate is None or h.estate.kind == "村"]
    assert len(set(doorplates)) == len(doorplates)
    estate_doorplates = [(e.road, e.road_number) for e in world.estates if e.road]
    assert len(set(estate_doorplates) | set(doorplates)) == len(estate_doorplates) + len(doorplates)
    assert any(h.road and h.road.endswith("组") for h in world.houses)


def test_world_coordinates_are_near_hangzhou_and_estates_compact(world) -> None:
    by_estate = defaultdict(list)
    for b in world.buildings:
        assert 119.9 <= b.lon <= 120.5 and 30.0 <= b.lat <= 30.5, b
        if b.estate is not None and b.estate.kind != "村":
            by_estate[b.estate.key].append(b)
    for buildings in by_estate.values():
        lon0, lat0 = buildings[0].lon, buildings[0].lat
        for b in buildings:
            metres = math.hypot((b.lon - lon0) * 96_000, (b.lat - lat0) * 111_000)
            assert metres < 300


def test_world_is_stable_for_a_seed(world) -> None:
    again = build_world(20231)
    assert [h.key for h in again.houses] == [h.key for h in world.houses]
    assert [(e.name, e.lon) for e in again.estates] == [(e.name, e.lon) for e in world.estates]
    assert [e.name for e in build_world(1).estates] != [e.name for e in world.estates]


@pytest.mark.parametrize(
    ("now_utc", "anchor"),
    [
        ("2026-11-22T10:00:00", "2026-11-20"),  # the usual case: the fixed anchor
        ("2030-01-01T00:00:00", "2026-11-20"),
        ("2026-11-20T10:00:00", "2026-11-19"),  # the anchor day is not over yet
        ("2026-11-20T16:30:00", "2026-11-19"),  # 00:30 on the 21st in China, but not yet in UTC
        ("2026-11-21T00:00:00", "2026-11-20"),
        ("2025-03-01T00:00:00", "2025-02-28"),
    ],
)
def test_anchor_is_never_in_the_future(now_utc: str, anchor: str) -> None:
    from datetime import UTC, date, datetime

    from feeds.sample.model import anchor_day

    assert anchor_day(datetime.fromisoformat(now_utc).replace(tzinfo=UTC)) == date.fromisoformat(anchor)
