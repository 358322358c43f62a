"""Chinese search: substring terms, bigram fallback, traditional characters, several terms."""

from __future__ import annotations

import pytest

from catalog.entry import build_catalog
from catalog.search import fold, search, term_score, terms


@pytest.fixture(scope="module")
def entries():  # type: ignore[no-untyped-def]
    return build_catalog()


@pytest.mark.parametrize(
    ("query", "expected_first", "must_include"),
    [
        ("停车", None, {"parking_lot", "parking_berth_occupancy", "parking_berth_index"}),
        ("停车场泊位", "parking_berth_index", {"parking_berth_occupancy"}),
        ("停車場", None, {"parking_lot"}),  # traditional characters
        ("电梯 故障", "iot_elevator_fault", set()),
        ("网格 超期", "grid_event_closure", set()),
        ("潮汐", "parking_tidal_spare", set()),
        ("流动人口", "floating_population", set()),
        ("PARKING lot", "parking_lot", set()),
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


@pytest.mark.parametrize("query", ["", "   ", "火星基地", "停车 火星"])
def test_query_finds_nothing(entries, query: str) -> None:  # type: ignore[no-untyped-def]
    assert search(entries, query) == []


@pytest.mark.parametrize(
    ("term", "text", "score"),
    [
        ("停车", "停车场泊位", 1.0),
        ("停车场泊位", "停车泊位占用", 0.5),  # 停车, 泊位 of 停车/车场/场泊/泊位
        ("停车场泊位", "电梯故障", 0.0),
        ("停", "电梯", 0.0),
    ],
)
def test_term_score(term: str, text: str, score: float) -> None:
    assert term_score(term, text) == score


def test_terms_fold_and_split() -> None:
    assert terms("停車場，泊位  Parking") == ["停车场", "泊位", "parking"]
    assert fold("  A  B ") == "a b"
