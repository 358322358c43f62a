"""Identifier rules as case tables; every case is checked in Python and in DuckDB SQL, which must
agree (the SQL form is what the GX suite runs)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from quality import identifiers as ids
from tests.support.identifier_cases import CREDIT_CODES, MOBILES, RESIDENT_IDS

TODAY = dt.date(2026, 11, 22)

# (value, expected problem or None). Published valid examples: GB 11643-1999's own two examples.
def _sql(expr_of, value: str) -> str | None:
    with duckdb.connect() as con:
        row = con.execute(f"SELECT {expr_of('v')} FROM (SELECT CAST(? AS VARCHAR) AS v)",
                          [value]).fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize(("value", "problem"), RESIDENT_IDS)
def test_resident_id(value: str, problem: str | None) -> None:
    assert ids.resident_id_problem(value, today=TODAY) == problem
    today_sql = f"DATE '{TODAY}'"
    assert _sql(lambda c: ids.resident_id_problem_sql(c, today_sql), value) == problem


@pytest.mark.parametrize(("value", "problem"), MOBILES)
def test_mobile(value: str, problem: str | None) -> None:
    assert ids.mobile_problem(value) == problem
    assert _sql(ids.mobile_problem_sql, value) == problem


@pytest.mark.parametrize(("value", "problem"), CREDIT_CODES)
def test_credit_code(value: str, problem: str | None) -> None:
    assert ids.credit_code_problem(value) == problem
    assert _sql(ids.credit_code_problem_sql, value) == problem


@pytest.mark.parametrize("rule", [ids.resident_id_problem, ids.mobile_problem, ids.credit_code_problem])
def test_null_is_not_judged(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule(None) is None


def test_every_zhejiang_district_is_a_known_region() -> None:
    codes = ids.zhejiang_district_codes()
    assert "330106" in codes and len(codes) >= 80
    assert all(len(c) == 6 and c.startswith("33") for c in codes)
