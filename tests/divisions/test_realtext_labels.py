"""The labelled address sets' division labels are chains of the reference, and the check that
says so catches a broken chain, a level left out and a non-canonical house part."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import address_heldout2
from benchmarks.address_realtext import COLUMNS, SETS, check, load


def _row(**labels: str) -> dict[str, str]:
    return {column: labels.get(column, "") for column in COLUMNS}


@pytest.mark.parametrize("name", ["heldout", "heldout2"])
def test_the_held_out_labels_are_reference_chains(name: str) -> None:
    rows = load(SETS[name])
    assert len(rows) >= 1000
    assert check(rows) == []


def test_the_second_held_out_set_is_what_its_generator_writes(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed set is the seeded generator's output (a label fixed by hand would be lost
    the next time it runs)."""
    monkeypatch.setattr(address_heldout2, "OUT", tmp_path / "set.csv")
    address_heldout2.write()
    assert (tmp_path / "set.csv").read_bytes() == SETS["heldout2"].read_bytes()


def test_the_second_held_out_set_is_mostly_zhejiang_with_every_city() -> None:
    rows = load(SETS["heldout2"])
    zj = [r for r in rows if r["province"] == "浙江省"]
    assert 0.75 <= len(zj) / len(rows) <= 0.9
    assert len({r["city"] for r in zj}) == 11
    assert len({r["province"] for r in rows if r["province"]}) >= 20


@pytest.mark.parametrize(("row", "problem"), [
    (_row(province="浙江省", city="杭州市", district="西湖区", street="文新街道"), None),
    (_row(province="浙江省", city="宁波市", district="西湖区"), "no division chain"),
    (_row(province="浙江省", district="西湖区"), "left out"),
    (_row(province="浙江省", city="杭州市", building="b"), "not canonical"),
    (_row(province="北京市", city="市辖区", district="朝阳区", room="302-1"), "not canonical"),
])
def test_check_names_the_problem(row: dict[str, str], problem: str | None) -> None:
    problems = check([row])
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0]
