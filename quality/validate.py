"""`validate_load`, the seam the pipeline calls between address and publish: run the contract's
GX suite on the load's Parquet, turn offending rows into failures for the quarantine, judge the
batch gates, score the load, store it all in the control plane, refresh the Data Docs and notify
on a failed gate. It never publishes, quarantines or changes the ledger: the pipeline does.
"""

from __future__ import annotations

import logging
from pathlib import Path

from catalog.contract import Contract
from quality.context import build_data_docs
from quality.failures import failure_rows
from quality.gates import Thresholds, batch_gates, profile
from quality.notify import notify_failed_gates
from quality.report import ValidationReport
from quality.run import parquet_sql, run_suite
from quality.score import quality_score
from quality.store import record_validation

log = logging.getLogger(__name__)


def validate_load(contract: Contract, data: Path, *, load_id: str,
                  thresholds: Thresholds | None = None) -> ValidationReport:
    """Validate one load's staged/addressed Parquet; the report says what to quarantine and
    whether the load may be published (`report.blocking` empty)."""
    data = Path(data)
    run = run_suite(contract, data, load_id=load_id)
    failures = failure_rows(run.result, parquet_sql(data))
    prof = profile(contract, data)
    gates = batch_gates(contract, data, load_id, prof, run.result, thresholds)
    failing = len(set(failures.column("_row").to_pylist())) if failures.num_rows else 0
    score = quality_score(prof.rows, failing, gates)
    record_validation(
        {"load_id": load_id, "dataset": contract.id, "rows": prof.rows, "failing_rows": failing,
         "failures": failures.num_rows, "score": score, "passed": all(g.passed for g in gates),
         "suite": run.result.suite_name, "result_path": str(run.result_path)},
        prof.metrics(), [g.as_row() for g in gates],
    )
    docs = build_data_docs(run.context, [run.result_id])
    report = ValidationReport(
        dataset=contract.id, load_id=load_id, rows=prof.rows, failures=failures, gates=gates,
        score=score, suite=run.result.suite_name, result_path=run.result_path, data_docs=docs,
        success=bool(run.result.success),
    )
    if report.blocking:
        log.warning("%s load %s blocked by %s", contract.id, load_id,
                    ", ".join(g.name for g in report.blocking))
        notify_failed_gates(contract.id, load_id, gates)
    return report
