"""Catalog search: words, synonyms, traditional characters, several terms, explained scores, and
no accidental matches of pinyin or letter pairs."""

from __future__ import annotations

import pytest

from catalog.entry import build_catalog
from catalog.search import search


@pytest.fixture(scope="module")
def entries():  # type: ignore[no-untyped-def]
    return build_catalog()


@pytest.mark.parametrize(
    ("query", "expected_first", "must_include"),
    [
        ("停车", None, {"parking_lot", "parking_berth_occupancy", "parking_berth_index"}),
        ("停车场泊位", "parking_berth_index", {"parking_berth_occupancy"}),
        ("停車場", None, {"parking_lot"}),  # traditional characters
        ("老人", "elderly_care", set()),  # synonym of 老年人
        ("老人照护", "elderly_care", set()),  # segmented: 老人 + 照护
        ("车位", None, {"parking_berth_occupancy", "parking_berth_index", "parking_tidal_spare"}),
        ("租房", "rental_housing", set()),
        ("出租屋", "rental_housing", set()),
        ("独居老人", "elderly_care", set()),  # 独居 is not in the catalog, 老人 is: half the words
        ("义工", "timebank_volunteer", set()),
        ("户口", "household_register", set()),
        ("个体户", "market_entity", set()),
        ("内涝", "iot_water_level", set()),
        ("停车位", None, {"parking_berth_occupancy", "parking_berth_index"}),
        ("企业", "market_entity", set()),
        ("电梯 故障", "iot_elevator_fault", set()),
        ("网格 超期", "grid_event_closure", set()),
        ("潮汐", "parking_tidal_spare", set()),
        ("流动人口", "floating_population", set()),
        ("PARKING lot", "parking_lot", set()),
        ("park", None, {"parking_lot"}),  # the beginning of an English word
        ("社区居委会", None, {"elderly_care", "rental_housing", "resident_evaluation", "timebank_volunteer"}),
        ("满意度", "resident_evaluation", {"community_operation_index"}),
        ("居民评价", "resident_evaluation", set()),
    ],
)
def test_query_finds(entries, query: str, expected_first: str | None, must_include: set[str]) -> None:  # type: ignore[no-untyped-def]
    ids = [h.entry.id for h in search(entries, query)]
    assert ids, query
    if expected_first:
        assert ids[0] == expected_first
    assert must_include <= set(ids)


# pinyin, letter pairs and unrelated words find nothing (`tingche` used to find four datasets)
@pytest.mark.parametrize("query", ["", "   ", "火星基地", "停车 火星", "tingche", "laoren", "ng", "ch",
                                   "he", "pa", "xyz123"])
def test_query_finds_nothing(entries, query: str) -> None:  # type: ignore[no-untyped-def]
    assert search(entries, query) == []


def test_synonyms_do_not_leak_into_unrelated_datasets(entries) -> None:  # type: ignore[no-untyped-def]
    assert {h.entry.id for h in search(entries, "车位")} <= {
        "parking_berth_occupancy", "parking_berth_index", "parking_tidal_spare", "parking_lot"}
    assert [h.entry.id for h in search(entries, "老人")] == ["elderly_care"]


def test_scores_are_explained(entries) -> None:  # type: ignore[no-untyped-def]
    hit = search(entries, "老人")[0]
    assert hit.explain() == "老人→老年人（同义词，标题）+9"
    assert hit.score == 9.0 and hit.matched == ("title",)
    both = search(entries, "电梯 故障")[0]
    assert both.explain() == "电梯（原词，标题）+10；故障（原词，标题）+10" and both.score == 20.0
