"""Check severity end to end through run_feed: an `error` check quarantines its row; a `warn` check
publishes it, records the finding (control plane and findings Parquet) and lowers the score; with
`on_fail: set_null` the offending value is published as NULL. Rows are conserved in every case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from contracts.contract import DATASETS_DIR
from control import ledger
from quality.store import load_quality
from quality.validate import findings_path
from shucang import pipeline
from tests.support.grid import GRID_HEADER, csv_bytes, grid_row
from warehouse import quarantine
from warehouse.query import query

pytestmark = pytest.mark.xdist_group("pipeline")
LANDLINE = "0571-88888888"

# (reporter_phone checks as written, published phone of the bad row (None: not published),
#  quarantined reason codes, stored findings as (severity, reason_code, rows))
CASES = [
    (["mobile"], LANDLINE, [], [("warn", "check:mobile", 1)]),  # optional PII column: warn
    ([{"mobile": None, "on_fail": "set_null"}], None, [], [("warn", "check:mobile", 1)]),
    ([{"mobile": None, "severity": "error"}], "quarantined", ["check:mobile"], [("error", "check:mobile", 1)]),
]


@pytest.fixture
def contracts_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Point SHUCANG_CONTRACTS at a copy of grid_event whose reporter_phone has the given checks."""

    def write(checks: list[Any]) -> None:
        folder = tmp_path / "contracts"
        folder.mkdir(exist_ok=True)
        doc = yaml.safe_load((DATASETS_DIR / "grid_event.yaml").read_text(encoding="utf-8"))
        next(c for c in doc["columns"] if c["name"] == "reporter_phone")["checks"] = checks
        (folder / "grid_event.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        monkeypatch.setenv("SHUCANG_CONTRACTS", str(folder))

    return write


@pytest.mark.parametrize(("checks", "published", "quarantined", "findings"), CASES,
                         ids=["warn", "warn-set_null", "error"])
def test_severity_through_run_feed(home: Path, grid_dir: Path, contracts_with: Any, checks: list,
                                   published: str | None, quarantined: list[str],
                                   findings: list[tuple]) -> None:
    contracts_with(checks)
    (grid_dir / "a.csv").write_bytes(csv_bytes(GRID_HEADER, [grid_row(1), grid_row(2, 联系电话=LANDLINE)]))
    ref = pipeline.run_feed("grid_event")
    load = ledger.get_load(ref["load_id"])
    ledger.assert_conserved(ref["load_id"])
    kept = published != "quarantined"
    assert (load["rows_in"], load["rows_published"], load["rows_quarantined"]) == (2, 1 + kept, 1 - kept)
    assert quarantine.read("grid_event").column("reason_code").to_pylist() == quarantined
    phones = dict(query("SELECT event_id, reporter_phone FROM grid_event")[1])
    assert phones.get("SJ202611200002", "quarantined") == published
    assert phones["SJ202611200001"] == "13800138000"

    stored = load_quality(ref["load_id"])
    assert stored is not None
    assert [(f["severity"], f["reason_code"], f["rows"]) for f in stored["findings"]] == findings
    assert stored["score"] < 100  # a warned row counts against validity like a quarantined one
    rows = pq.read_table(findings_path("grid_event", ref["load_id"])).to_pylist()
    assert [(r["severity"], r["column"], r["value"], r["line"]) for r in rows] == \
        [(findings[0][0], "reporter_phone", LANDLINE, 2)]  # the line as the quarantine counts it
    assert "not a mainland mobile number" in rows[0]["reason"]
