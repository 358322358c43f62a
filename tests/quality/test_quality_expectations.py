"""Every expectation of the generated suites fires on a row that breaks its rule and stays quiet
on valid rows, through validate_load on the GX DuckDB path (one validation per dataset)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contracts.contract import load_contracts
from tests.support.quality_staged import contract, rows, write

LATER_STEPS_OPEN = {
    "dispatched_at": None, "handled_at": None, "closed_at": None, "deadline_at": None, "escalated_at": None,
}
# (dataset, column, offending value, reason_code, GX expectation type[, other columns to set])
FIRES = [
    ("grid_event", "event_id", "SJ123", "check:regex", "expect_column_values_to_match_regex"),
    ("grid_event", "category", "外星人入侵", "check:in_set", "expect_column_values_to_be_in_set"),
    ("grid_event", "level", 9, "check:between", "expect_column_values_to_be_between"),
    ("grid_event", "reported_at", dt.datetime(2099, 1, 1), "check:not_future",
     "expect_column_values_to_not_be_in_the_future", LATER_STEPS_OPEN),
    ("grid_event", "reporter_phone", "12345", "check:mobile", "expect_column_values_to_be_valid_mobile"),
    ("grid_event", "dispatched_at", dt.datetime(2020, 1, 1), "check:after",
     "expect_column_pair_values_a_to_be_greater_than_b"),
    ("grid_event", "location", None, "check:required", "expect_column_values_to_not_be_null"),
    ("household_register", "resident_id", "110105194912310021", "check:resident_id",
     "expect_column_values_to_be_valid_resident_id"),
    ("household_register", "birth_date", dt.date(2099, 1, 1), "check:not_future",
     "expect_column_values_to_not_be_in_the_future"),
    ("market_entity", "credit_code", "91330100716105852G", "check:credit_code",
     "expect_column_values_to_be_valid_credit_code"),
    ("rental_housing", "lease_end", dt.date(2000, 1, 1), "check:after",
     "expect_column_pair_values_a_to_be_greater_than_b"),
    ("iot_water_level", "water_level_cm", 301.5, "check:between",
     "expect_column_values_to_be_between"),
]
# Format checks on optional PII columns warn by default: the row is published with a finding.
WARNS = {("grid_event", "reporter_phone")}
CLEAN_ROWS = 6
# One worker runs this module under `pytest -n 2 --dist loadgroup`: the broken loads are validated once.
pytestmark = pytest.mark.xdist_group("quality_expectations")


@pytest.fixture(scope="module")
def module_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("quality-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHUCANG_HOME", str(home))
        mp.delenv("SHUCANG_CONTROL_URL", raising=False)
        mp.delenv("SHUCANG_QUALITY_WEBHOOK", raising=False)
        yield home


def _broken_load(home: Path, dataset: str) -> tuple[Any, dict[int, tuple]]:
    """Validate a load of `dataset` with one broken row per FIRES case; {_row: case}."""
    from quality.validate import validate_load

    c = contract(dataset)
    records = rows(c, CLEAN_ROWS)
    cases: dict[int, tuple] = {}
    for case in FIRES:
        if case[0] != dataset:
            continue
        (bad,) = rows(c, 1, start=len(records) + 1)
        bad.update(case[5] if len(case) > 5 else {})
        bad[case[1]] = case[2]
        records.append(bad)
        cases[bad["_row"]] = case
    data = write(home / "staging" / dataset / "broken" / "addressed.parquet", c, records)
    return validate_load(c, data, load_id=f"{dataset}-broken"), cases


@pytest.fixture(scope="module")
def broken(module_home: Path) -> dict[str, tuple[Any, dict[int, tuple]]]:
    return {d: _broken_load(module_home, d) for d in sorted({c[0] for c in FIRES})}


@pytest.mark.parametrize("case", FIRES, ids=[f"{c[0]}.{c[1]}.{c[3]}" for c in FIRES])
def test_expectation_fires(broken: dict, case: tuple) -> None:
    report, cases = broken[case[0]]
    (row,) = [r for r, c in cases.items() if c == case]
    warns = (case[0], case[1]) in WARNS
    hits = [f for f in (report.warnings if warns else report.failures).to_pylist() if f["_row"] == row]
    assert {f["severity"] for f in hits} == {"warn" if warns else "error"}
    assert [(f["column"], f["reason_code"], f["expectation"]) for f in hits] == [
        (case[1], case[3], case[4])
    ]
    (hit,) = hits
    assert case[1] in hit["reason"]
    if case[2] is not None:
        assert hit["value"] is not None and str(case[2])[:4] in hit["value"]


@pytest.mark.parametrize("dataset", sorted({c[0] for c in FIRES}))
def test_valid_rows_stay_quiet_beside_broken_ones(broken: dict, dataset: str) -> None:
    report, cases = broken[dataset]
    warned = {r for r, c in cases.items() if (c[0], c[1]) in WARNS}
    assert {f["_row"] for f in report.failures.to_pylist()} == set(cases) - warned
    assert {f["_row"] for f in report.warnings.to_pylist()} == warned
    assert not report.blocking  # row failures are quarantined, they do not block the load


@pytest.mark.parametrize("dataset", sorted(load_contracts()))
def test_every_contract_suite_is_quiet_on_valid_data(module_home: Path, dataset: str) -> None:
    from quality.validate import validate_load

    c = contract(dataset)
    data = write(module_home / "staging" / dataset / "clean" / "staged.parquet", c, rows(c, 8))
    report = validate_load(c, data, load_id=f"{dataset}-clean")
    assert report.failures.num_rows == 0
    assert report.success
    assert not report.blocking, [g.message for g in report.blocking]
    assert report.score == 100.0
    assert report.result_path.is_file()


@pytest.mark.parametrize(("dataset", "keys"), [("grid_event", ("event_id",)),
                                               ("iot_water_level", ("sensor_id", "observed_at"))])
def test_primary_key_duplicates_fire_and_unique_keys_stay_quiet(
    module_home: Path, dataset: str, keys: tuple[str, ...]
) -> None:
    from quality.validate import validate_load

    c = contract(dataset)
    records = rows(c, 5)
    for k in keys:
        records[4][k] = records[0][k]
    data = write(module_home / "staging" / dataset / "dup" / "staged.parquet", c, records)
    report = validate_load(c, data, load_id=f"{dataset}-dup")
    pk = [f for f in report.failures.to_pylist() if f["reason_code"] == "check:primary_key"]
    assert sorted(f["_row"] for f in pk) == [1, 5]
    assert all("primary key" in f["reason"] for f in pk)
    assert {f["_row"] for f in report.failures.to_pylist()} == {1, 5}
