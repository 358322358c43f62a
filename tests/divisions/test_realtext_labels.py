"""The labelled address sets' division labels are chains of the reference, and the check that
says so catches a broken chain, a level left out and a non-canonical house part."""

from __future__ import annotations

import pytest

from benchmarks.address_realtext import COLUMNS, SETS, check, load


def _row(**labels: str) -> dict[str, str]:
    return {column: labels.get(column, "") for column in COLUMNS}


def test_the_held_out_labels_are_reference_chains() -> None:
    rows = load(SETS["heldout"])
    assert len(rows) >= 1000
    assert check(rows) == []


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
