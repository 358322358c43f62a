"""The Chinese search engine: folding, term splitting, synonyms, word segmentation, Latin words."""

from __future__ import annotations

import pytest

from foundation.textsearch import fold, rank, synonym_groups, term_match, terms


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("停车", "停车场泊位", ("exact", ("停车",), 1.0)),
        ("老人", "需照护老年人", ("synonym", ("老年人",), 0.9)),
        ("车位", "停车泊位占用", ("synonym", ("泊位",), 0.9)),
        ("停车场泊位", "停车泊位占用", ("parts", ("泊位",), 0.4)),  # 停车场 + 泊位: one of two
        ("老人照护", "需照护老年人", ("parts", ("老年人", "照护"), 0.8)),
        ("停车场泊位", "电梯故障", None),
        ("停", "电梯", None),
        ("parking", "parking lot", ("word", ("parking",), 1.0)),
        ("park", "parking lot", ("word", ("parking",), 0.9)),
        ("pa", "parking lot", None),  # too short to be the beginning of a word
        ("tingche", "ting che parking change", None),  # no letter pairs
        ("lot", "parking_lot", ("word", ("lot",), 1.0)),  # identifiers split at underscores
    ],
)
def test_term_match(term: str, text: str, expected: tuple | None) -> None:
    assert term_match(term, text) == expected


def test_terms_fold_and_split() -> None:
    assert terms("停車場，泊位  Parking") == ["停车场", "泊位", "parking"]
    assert fold("  A  B ") == "a b"


def test_synonym_groups_are_symmetric() -> None:
    groups = synonym_groups()
    assert "老年人" in groups["老人"] and "老人" in groups["老年人"]
    assert all(word in groups[other] for word, group in groups.items() for other in group)


def test_rank_needs_every_term_and_orders_by_score() -> None:
    docs = {"a": {"title": "停车场泊位"}, "b": {"title": "停车泊位占用"}, "c": {"title": "电梯"}}
    ranked = rank(docs, {"title": 10.0}, "车位")
    assert [(s.key, s.score) for s in ranked] == [("a", 9.0), ("b", 9.0)]
    assert rank(docs, {"title": 10.0}, "车位 电梯") == []
