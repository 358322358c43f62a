"""The native parse_many against the Python path: the sample world's addresses, the labelled set,
people's writing, mangled strings and texts at the limits give the same table both ways, in
every shape of input (lists, sliced and chunked arrays, large strings, several batches)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from address_registry import native, parse_batch, parse_many
from address_registry.parse import ParsedAddress
from tests.address_registry.test_native import (
    EDGE_TEXTS,
    labelled_texts,
    mangled,
    mutated_peoples_texts,
    peoples_texts,
    world,
)

pytestmark = pytest.mark.skipif(not native.available(),
                                reason="native matcher unavailable (no C compiler)")
__all__ = ["world"]  # the fixture, shared with test_native


def both_ways(texts: pa.Array | pa.ChunkedArray | list[str | None],
              monkeypatch: pytest.MonkeyPatch) -> tuple[pa.Table, pa.Table, int]:
    """parse_many natively and on the Python path; and how many rows C parsed itself."""
    left: list[str | None] = []
    python_path = parse_batch.parse_texts

    def reference(ts: list[str | None]) -> list[ParsedAddress]:
        left.extend(ts)
        return python_path(ts)

    with monkeypatch.context() as m:
        m.setattr(parse_batch, "parse_texts", reference)
        fast = parse_many(texts)
    with monkeypatch.context() as m:
        m.setenv("SHUCANG_ADDRESS_NATIVE", "0")
        slow = parse_many(texts)
    return fast, slow, len(fast) - len(left)


def assert_same(fast: pa.Table, slow: pa.Table) -> None:
    assert fast.schema == slow.schema
    wrong = [(f["address"], {k: (f[k], s[k]) for k in f if f[k] != s[k]})
             for f, s in zip(fast.to_pylist(), slow.to_pylist(), strict=True) if f != s]
    assert not wrong, f"{len(wrong)} rows differ, e.g. {wrong[:3]}"


def test_sample_world_parses_as_the_python_path_does(world: tuple[Path, list[str]],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    texts = world[1] + world[1][:500]  # repeated rows too
    fast, slow, parsed_in_c = both_ways(pa.array(texts), monkeypatch)
    assert_same(fast, slow)
    assert parsed_in_c >= 0.97 * len(texts)


@pytest.mark.parametrize("corpus", [labelled_texts, peoples_texts, mutated_peoples_texts])
def test_labelled_sets_parse_as_the_python_path_does(corpus: object,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    texts = corpus()  # type: ignore[operator]
    fast, slow, parsed_in_c = both_ways(pa.array(texts), monkeypatch)
    assert_same(fast, slow)
    assert parsed_in_c >= 0.9 * len(texts)


def test_mangled_strings_and_texts_at_the_limits_parse_as_the_python_path_does(
        world: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, parsed_in_c = both_ways(pa.array(mangled(world[1]) + EDGE_TEXTS), monkeypatch)
    assert_same(fast, slow)
    assert 0 < parsed_in_c < len(fast)  # nulls, empty strings and emoji are left to Python


@pytest.mark.parametrize("shape", ["list", "sliced", "chunked", "large", "empty", "nulls"])
def test_every_shape_of_input_parses_as_the_python_path_does(
        shape: str, world: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    texts: list[str | None] = [*world[1][:50], None, "", *world[1][:10]]
    inputs: dict[str, object] = {
        "list": texts, "sliced": pa.array(texts).slice(7, 40),
        "chunked": pa.chunked_array([pa.array(texts[:20]), pa.array(texts[20:])]),
        "large": pa.array(texts, pa.large_string()), "empty": pa.array([], pa.string()),
        "nulls": [None, None, ""]}
    fast, slow, _ = both_ways(inputs[shape], monkeypatch)  # type: ignore[arg-type]
    assert_same(fast, slow)


def test_batches_of_rows_parse_as_one(world: tuple[Path, list[str]],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    texts = pa.array(world[1][:2500])
    whole = parse_many(texts)
    monkeypatch.setattr(parse_batch, "ROWS", 1000)
    assert parse_many(texts).equals(whole)


def test_the_division_copy_kept_on_disk_reads_back_the_same(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The C copy of the division reference is written once and read back by later processes
    (here: after the process's handle is forgotten); a damaged file is made anew, never trusted."""
    texts = peoples_texts()[:2000]
    monkeypatch.setattr(native.native_build, "cache_dir", lambda: tmp_path)
    native.divisions_handle.cache_clear()
    try:
        made = parse_many(texts)  # indexes the reference, copies it into C, keeps the copy
        (saved,) = tmp_path.glob("divisions-*.npz")
        native.divisions_handle.cache_clear()
        with monkeypatch.context() as m:  # read back from the kept copy, nothing indexed again
            m.setattr(native, "_load_divisions", lambda *a: pytest.fail("indexed again"))
            assert parse_many(texts).equals(made)
        saved.write_bytes(saved.read_bytes()[:1000])
        native.divisions_handle.cache_clear()
        assert parse_many(texts).equals(made)  # damaged: made again
        assert saved.stat().st_size > 1000
    finally:
        native.divisions_handle.cache_clear()


# zeros written before numbers and letters, in every part that is numbered, full-width or not
ZERO_LED = [f"{where}{label}" for where in ("杭州市西湖区翠苑一区", "宁波市鄞州区钟公庙街道", "温州市鹿城区人民路")
            for label in ("0A座", "０A座", "00A座", "０Ｂ栋201", "0A幢1单元101", "01幢02单元0301室",
                          "0幢", "00幢", "A0座", "10A座", "0-1幢", "0-1-0101", "08号0A座", "0号",
                          "005号楼0B单元", "3幢0单元0室", "B01栋", "0B-1-101")]


def test_zeros_before_numbers_and_letters_parse_as_the_python_path_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, parsed_in_c = both_ways(pa.array(ZERO_LED), monkeypatch)
    assert_same(fast, slow)
    assert parsed_in_c == len(ZERO_LED)
    buildings = dict(zip(fast.column("address").to_pylist(), fast.column("building").to_pylist(), strict=True))
    assert buildings["杭州市西湖区翠苑一区00A座"] == "0A"  # a zero before a letter is the label's
    assert buildings["杭州市西湖区翠苑一区01幢02单元0301室"] == "1"  # before a digit it is padding


# a community's short form that starts with its district's or street's name, given up for the
# character after it (社 is no community word), then that name read again after the street
GIVEN_UP = ["浙江省台州临海市大洋街道临海市良种场社百金家园2号楼2单元1901", "临海市大洋街道临海市良种场社",
            "嘉兴市海盐县武原街道海盐县武原街道齐景社百步路1号", "海盐县武原街道海盐县武原街道齐景社1号",
            "海盐县西塘桥街道海盐县西塘桥街道海城社3幢", "海盐县通元镇海盐县通元镇禾溪社2组5号"]


def test_a_longer_name_given_up_leaves_nothing_to_the_shorter_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, parsed_in_c = both_ways(pa.array(GIVEN_UP), monkeypatch)
    assert_same(fast, slow)
    assert parsed_in_c == len(GIVEN_UP)
    assert fast.column("community").null_count == len(GIVEN_UP)
