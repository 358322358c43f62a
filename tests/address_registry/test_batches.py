"""Batches must never change a result: normalizing, parsing and matching a batch at once gives
what each text gives alone (case table of texts that stress the batch seams)."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from address_registry import parallel
from address_registry.matcher import match_texts
from address_registry.normalize import _nfkc, normalize, normalize_many
from address_registry.registry import build_registry, current_matcher
from address_registry.shapes import parse_texts
from tests.support.address_sources import write_sources

SEAMS = [
    "杭州市\n西湖区文一西路100号",  # the batch separator inside a text
    "\n", "", "   ", "\r\n\t",
    "ｅ\u0301西湖区",  # a combining mark after a full-width letter
    "e\u0301\u0327ｘ",  # two combining marks to reorder
    "가\u11a8杭州",  # Hangul jamo composing
    "㈠号楼", "①幢", "ﬁ西湖区",  # compatibility forms
    "西湖區文三路九十九號金都花園三棟二單元五〇二室",
    "杭州市西湖区翠苑街道1-2-3-4-5-6-7-8-9-10号",  # more runs than a shape keeps
    "123456789幢",  # a run longer than a shape keeps
    "x" * 1000,  # truncated
    "金都花园3#楼2单元502", "A座1单元101室", "十 五号",
    "\ud800西湖区3幢",  # a lone surrogate (Arrow cannot hold it, a Python list can)
]


def test_normalize_many_is_normalize_one_by_one() -> None:
    assert normalize_many(SEAMS) == [normalize(t) for t in SEAMS]
    assert normalize_many([]) == []


def test_nfkc_on_runs_is_nfkc() -> None:
    rng = random.Random(5)
    alphabet = ("ab西湖1２ｅ\u0301\u0327\u0308\u1100\u1161\u11a8가ﬁ①㈠\u3000\uf900"
                "\u00e9\u212b\u0041\u030a\n")
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert _nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)


def test_parse_texts_is_parse_one_by_one() -> None:
    texts = [*SEAMS, None, 3, *SEAMS]  # type: ignore[list-item]
    batch = parse_texts(texts)
    parallel.clear_caches()
    assert batch == [parse_texts([t])[0] for t in texts]


@pytest.mark.parametrize("with_registry", [False, True])
def test_match_texts_is_match_one_by_one(home: Path, with_registry: bool) -> None:
    if with_registry:
        write_sources(home / "feeds" / "registry")
        build_registry()
    matcher = current_matcher()
    texts = [*SEAMS, None] + [f"西湖区翠苑街道{e}{b}幢{u}单元{r}室" for e in ("金都花园", "嘉绿苑")
                              for b in (1, 2, 4) for u in (1, 2) for r in (101, 202, 203)]
    texts += ["文三路12号金都花园1幢1单元101室", "西湖区文三路15号", "浙商大厦1501室"]
    batch = match_texts(texts, matcher)
    parallel.clear_caches()
    assert batch == [match_texts([t], matcher)[0] for t in texts]
