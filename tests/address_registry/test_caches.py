"""The parse caches (by shape, by remembered division prefix) must never change a result: every
labelled address and its noisy variants parse the same with warm caches as with none."""

from __future__ import annotations

import csv
import importlib
import importlib.util
import random
import sys
import types
from dataclasses import asdict
from pathlib import Path

import pytest

from address_registry import parse, parse_normalized, shapes
from address_registry.parse import normalized_text

parse_module = importlib.import_module("address_registry.parse")

REPO = Path(__file__).resolve().parents[2]


def _eval_module() -> types.ModuleType:
    # loaded from its file: putting benchmarks/ on sys.path would shadow packages (quality)
    spec = importlib.util.spec_from_file_location("address_eval_bench",
                                                  REPO / "benchmarks" / "address_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _texts() -> list[str]:
    bench = _eval_module()
    EVAL_SET, noisy_variants = bench.EVAL_SET, bench.noisy_variants

    with EVAL_SET.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if not r["address"].startswith("#")]
    rng = random.Random(3)
    texts = [r["address"] for r in rows]
    texts += [t for r in rows for _, t in noisy_variants(r, rng)]
    return texts


def _cold(text: str) -> dict[str, object]:
    parse_module._PREFIXES.clear()
    parse_module._parse_tail.cache_clear()
    s, notes = normalized_text(text)
    return asdict(parse_normalized(s, notes))


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_warm_caches_give_the_cold_result(order: str) -> None:
    texts = _texts()
    assert len(texts) > 2000
    cold = {t: _cold(t) for t in texts}
    shapes._SHAPES.clear()
    parse_module._PREFIXES.clear()
    for t in texts if order == "forward" else list(reversed(texts)):
        assert asdict(parse(t)) == cold[t], t
    assert shapes._SHAPES and parse_module._PREFIXES  # the caches were really used


# a district's short name written again after its street, then a character that ends it (零, 一)
# or one that makes it a road's name (路, 街): the name's fate hangs on what follows the prefix
AGAIN = [("广州市天河区石牌街道", "天河"), ("杭州市西湖区翠苑街道", "西湖"), ("宁波市鄞州区钟公庙街道", "鄞州"),
         ("温州市鹿城区五马街道", "鹿城"), ("成都市武侯区浆洗街街道", "武侯"), ("台州市椒江区海门街道", "椒江")]


@pytest.mark.parametrize(("prefix", "again"), AGAIN)
def test_a_remembered_prefix_never_decides_for_what_follows_it(prefix: str, again: str) -> None:
    for first, second in (("零F208西", "路208号"), ("一208号", "街208号"), ("路208号", "零F208西")):
        text = f"{prefix}{again}{second}天河城7楼708"
        cold = _cold(text)
        parse_module._PREFIXES.clear()
        shapes._SHAPES.clear()
        parse(f"{prefix}{again}{first}天河城7楼708")  # remembers what it can of its prefix
        assert asdict(parse(text)) == cold, text
