"""Scores and gate results in the control plane, on SQLite and (when reachable) PostgreSQL;
the score formula as a case table; the suite generated from every contract."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from contracts.checks import CHECKS
from contracts.contract import load_contracts
from quality.report import GateResult
from quality.rules import Rule, matched_levels
from quality.score import quality_score
from quality.store import latest_scores, load_quality, record_validation
from quality.suite import build_suite, expectations_for

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=2).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means: skip
        return False


OK = GateResult("g", True, None, None, "ok")
BAD = GateResult("g", False, None, None, "bad")


@pytest.mark.parametrize(("rows", "failing", "gates", "score"), [
    (100, 0, [OK, OK], 100.0),
    (100, 10, [OK], 92.0),  # 80 x 0.9 + 20
    (100, 100, [OK], 20.0),
    (0, 0, [], 100.0),  # an empty load has nothing wrong in it
    (100, 0, [OK, BAD], 50.0),  # 80 + 10 = 90, capped for a rejected load
    (100, 50, [BAD], 40.0),
])
def test_quality_score(rows: int, failing: int, gates: list[GateResult], score: float) -> None:
    assert quality_score(rows, failing, gates) == score


def _store_two_loads(dataset: str) -> None:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i, score in enumerate((70.0, 95.5)):
        record_validation(
            {"load_id": f"{dataset}-{i}", "dataset": dataset, "rows": 10, "failing_rows": 1,
             "failures": 2, "score": score, "passed": i == 1, "suite": f"{dataset}.v1",
             "result_path": "/r.json", "validated_at": base + dt.timedelta(hours=i)},
            [("row_count", "", 10.0)],
            [{"name": "row_count_collapse", "passed": i == 1, "observed": "10", "expected": ">= 6",
              "message": "m"}],
        )


def _check_store(dataset: str) -> None:
    _store_two_loads(dataset)
    assert latest_scores()[dataset] == 95.5
    stored = load_quality(f"{dataset}-0")
    assert stored is not None and stored["score"] == 70.0 and not stored["passed"]
    assert [g["name"] for g in stored["gates"]] == ["row_count_collapse"]
    _store_two_loads(dataset)  # validating a load again replaces its rows
    assert latest_scores()[dataset] == 95.5
    assert load_quality("no-such-load") is None


def test_scores_on_sqlite(home: Path) -> None:
    _check_store("grid_event")


@pytest.mark.skipif(not _pg_reachable(), reason="PostgreSQL on 127.0.0.1:5432 (db test) unreachable")
def test_scores_on_postgresql(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_CONTROL_URL", PG_URL)
    _check_store(f"pg_{uuid.uuid4().hex[:10]}")


@pytest.mark.parametrize("dataset", sorted(load_contracts()))
def test_suite_has_an_expectation_per_contract_rule(dataset: str) -> None:
    c = load_contracts()[dataset]
    rules = [rule for _, rule in expectations_for(c)]
    wanted = [("required", col.name) for col in c.columns if col.required]
    wanted += [(check.kind, col.name) for col in c.columns for check in col.checks]
    assert sorted((r.kind, r.column) for r in rules if r.kind in {*CHECKS, "required"}) \
        == sorted(wanted)
    assert [r.column for r in rules if r.kind == "primary_key"] == [",".join(c.primary_key)]
    assert any(r.kind == "address_match_rate" for r in rules) is (c.address is not None)
    suite = build_suite(c)
    assert len(suite.expectations) == len(rules)
    assert all(Rule.of(e.meta) for e in suite.expectations)


def test_every_check_kind_has_an_expectation() -> None:
    seen = {r.kind for c in load_contracts().values() for _, r in expectations_for(c)}
    assert set(CHECKS) <= seen


@pytest.mark.parametrize(("granularity", "levels"), [
    ("house", ["community", "road", "estate", "building", "house"]),
    ("community", ["community", "road", "estate", "building", "house"]),
    ("street", ["street", "community", "road", "estate", "building", "house"]),
    ("district", ["district", "street", "community", "road", "estate", "building", "house"]),
])
def test_matched_levels(granularity: str, levels: list[str]) -> None:
    assert matched_levels(granularity) == levels


def test_match_levels_are_the_address_stage_levels() -> None:
    from address_registry.rules import LEVEL_ORDER
    from quality.rules import MATCH_LEVELS

    assert MATCH_LEVELS == LEVEL_ORDER


def test_a_row_failing_several_expectations_counts_once() -> None:
    import pyarrow as pa

    from quality.failures import FAILURE_SCHEMA
    from quality.report import distinct_rows

    rows = [{"_row": r, "column": "c", "expectation": "e", "value": "v", "reason_code": "check:x",
             "reason": "r"} for r in (1, 1, 2)]
    assert distinct_rows(pa.Table.from_pylist(rows, schema=FAILURE_SCHEMA)) == 2
    assert distinct_rows(FAILURE_SCHEMA.empty_table()) == 0
