"""The check kind registry (contracts/checks.py): YAML short forms, each kind's GX expectation
resolving in GX's registry, each kind's failure reason on DuckDB, and the identifier macros
quality installs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest
import yaml
from great_expectations.expectations.registry import get_expectation_impl
from pydantic import TypeAdapter, ValidationError

import quality.expectations  # noqa: F401  (registers the custom expectation types)
from contracts.checks import CHECKS, AnyCheck, IdentifierCheck
from contracts.contract import load_contracts
from quality.failures import install_problem_macros
from quality.identifiers import PROBLEM_SQL
from quality.suite import gx_expectation

CHECK = TypeAdapter(AnyCheck)

# (YAML as written, the check's fields)
SHORT_FORMS = [
    ("mobile", {"kind": "mobile", "severity": None, "on_fail": "keep"}),
    ("{mobile, severity: warn, on_fail: set_null}", {"kind": "mobile", "severity": "warn", "on_fail": "set_null"}),
    ("{regex: '^SJ\\d+$'}", {"kind": "regex", "pattern": "^SJ\\d+$", "severity": None, "on_fail": "keep"}),
    ("{regex: {pattern: '^a'}, severity: error}", {"kind": "regex", "pattern": "^a", "severity": "error",
                                                   "on_fail": "keep"}),
    ("{in_set: [a, b]}", {"kind": "in_set", "values": ["a", "b"], "severity": None, "on_fail": "keep"}),
    ("{between: [1, 4]}", {"kind": "between", "min": 1, "max": 4, "severity": None, "on_fail": "keep"}),
    ("{between: [2020-01-01, 2030-12-31]}", {"kind": "between", "min": dt.date(2020, 1, 1),
                                             "max": dt.date(2030, 12, 31), "severity": None, "on_fail": "keep"}),
    ("{after: reported_at}", {"kind": "after", "column": "reported_at", "severity": None, "on_fail": "keep"}),
]


@pytest.mark.parametrize(("text", "fields"), SHORT_FORMS, ids=[t for t, _ in SHORT_FORMS])
def test_yaml_short_forms(text: str, fields: dict[str, Any]) -> None:
    assert CHECK.validate_python(yaml.safe_load(text)).model_dump() == fields


@pytest.mark.parametrize(("text", "message"), [
    ("luhn", "unknown check 'luhn'"),
    ("{mobile, regex: a}", "a check is one check name"),
    ("{in_set: []}", "at least 1 item"),
    ("{between: [1, 2, 3]}", r"between takes \[min, max\]"),
    ("{regex: '['}", "does not compile"),
    ("{not_future: 3}", "not_future takes no argument"),
])
def test_bad_checks_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CHECK.validate_python(yaml.safe_load(text))


def _every_kind() -> list[Any]:
    """One check of every registered kind, as the shipped contracts write them."""
    seen: dict[str, Any] = {}
    for c in load_contracts().values():
        for col in c.columns:
            for check in col.checks:
                seen.setdefault(check.kind, (col.name, check))
    return [seen[k] for k in sorted(seen)]


def test_every_kind_is_used_by_a_shipped_contract() -> None:
    assert {check.kind for _, check in _every_kind()} == set(CHECKS)


@pytest.mark.parametrize(("column", "check"), _every_kind(), ids=lambda v: getattr(v, "kind", v))
def test_every_kind_declares_a_gx_expectation(column: str, check: Any) -> None:
    spec = check.expectation(column)
    assert get_expectation_impl(spec.type) is type(gx_expectation(spec))


def test_identifier_checks_have_their_rule() -> None:
    assert {k for k, cls in CHECKS.items() if issubclass(cls, IdentifierCheck)} == set(PROBLEM_SQL)


# (check as written, offending value, other column's value, reason)
REASONS = [
    ("{regex: '^SJ'}", "XX1", None, "v = XX1 does not match ^SJ"),
    ("{in_set: [a, b]}", "c", None, "v = c is not one of a, b"),
    ("{between: [1, 4]}", 9, None, "v = 9 is outside [1, 4]"),
    ("{after: w}", "2026-01-01", "2026-02-01", "v = 2026-01-01 is before w = 2026-02-01"),
    ("resident_id", "110105194912310022", None, "v = 110105194912310022: not a GB 11643 resident ID: "
                                                "wrong check character"),
    ("mobile", "0571-88888888", None, "v = 0571-88888888: not a mainland mobile number 1[3-9]XXXXXXXXX"),
    ("credit_code", "91330100716105852G", None, "v = 91330100716105852G: not a GB 32100 credit code: "
                                                "wrong check character"),
    ("not_future", "2099-01-01", None, "v = 2099-01-01 is in the future (Beijing time)"),
]


@pytest.mark.parametrize(("text", "value", "other", "reason"), REASONS, ids=[r[0] for r in REASONS])
def test_every_kind_gives_its_reason_on_duckdb(text: str, value: Any, other: Any, reason: str) -> None:
    check = CHECK.validate_python(yaml.safe_load(text))
    with duckdb.connect() as con:
        install_problem_macros(con)
        got = con.execute(f"SELECT {check.reason_sql('v')} FROM (SELECT ? AS v, ? AS w)",
                          [value, other]).fetchone()
    assert got == (reason,)
