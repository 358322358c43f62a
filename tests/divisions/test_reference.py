"""The committed division extracts and the division history: shape, coverage, and that every
history entry points at a division that exists today."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from divisions.reference import (
    CODE_LENGTH,
    HISTORY,
    HISTORY_COLUMNS,
    NATIONAL,
    REFERENCE,
    DivisionsError,
    national,
    read_divisions,
    read_history,
)


def test_every_province_down_to_streets_and_zhejiang_to_villages() -> None:
    records = national()
    provinces = {d.code for d in records if d.level == "province"}
    assert len(provinces) == 31  # NBS lists the 31 mainland province-level divisions
    streets = [d for d in records if d.level == "street"]
    assert {d.code[:2] for d in streets} == provinces
    assert len(streets) > 40_000
    communities = [d for d in records if d.level == "community"]
    assert communities and all(d.code.startswith("33") for d in communities)
    assert all(len(d.code) == CODE_LENGTH[d.level] for d in records)
    by_code = {d.code: d for d in records}
    assert all(d.parent in by_code for d in records if d.level != "province")


def test_the_zhejiang_extract_is_part_of_the_national_reference() -> None:
    codes = {d.code for d in national()}
    assert {d.code for d in read_divisions(REFERENCE)} <= codes


def test_history_entries_point_at_todays_divisions() -> None:
    today = {d.code: d for d in national()}
    history = read_history()
    assert len(history) > 5_000
    for change in history:
        assert change.new_code in today, change
        assert today[change.new_code].level == change.level, change
        assert today[change.new_code].name == change.new_name, change
    by_old = {(c.old_name, c.new_code) for c in history}
    # the well-known changes people still write
    assert ("江东区", "330212") in by_old  # 宁波 2016
    assert ("江干区", "330102") in by_old and ("下城区", "330105") in by_old  # 杭州 2021
    assert ("闸北区", "310106") in by_old  # 上海 2015
    assert {c.kind for c in history} >= {"rename", "recode", "merge"}


def test_a_malformed_extract_says_where(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(gzip.compress(b"level,code,name,parent_code\nstreet,3301,x,33\n"))
    with pytest.raises(DivisionsError, match=r"bad.csv.gz:2"):
        read_divisions(bad)
    with pytest.raises(DivisionsError, match="missing"):
        read_divisions(tmp_path / "absent.csv")
    wrong = tmp_path / "wrong.csv.gz"
    wrong.write_bytes(gzip.compress(b"a,b\n1,2\n"))
    with pytest.raises(DivisionsError, match="expected the columns"):
        read_history(wrong)


def test_the_extracts_are_compressed_and_headed() -> None:
    assert NATIONAL.suffix == HISTORY.suffix == ".gz"
    header = gzip.decompress(HISTORY.read_bytes()).decode().splitlines()[0]
    assert tuple(header.split(",")) == HISTORY_COLUMNS


