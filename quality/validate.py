"""`validate_load`, the seam the pipeline calls between address and publish: run the contract's
GX suite on the load's Parquet, turn offending rows into findings (`error` ones for the quarantine,
`warn` ones published and recorded), judge the batch gates, score the load, store it all in the
control plane, refresh the Data Docs and notify on a failed gate. It never publishes, quarantines
or changes the ledger: the pipeline does.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from contracts.contract import Contract
from foundation.duck import load_connection, spill_of
from foundation.files import temporary_beside
from foundation.sql import path as sql_path
from quality.context import build_data_docs, data_docs_index, quality_home
from quality.failures import FAILURE_SCHEMA, failure_rows
from quality.gates import Profile, Thresholds, batch_gates, profile, schema_gate
from quality.notify import notify_failed_gates
from quality.report import GateResult, ValidationReport, distinct_rows
from quality.run import QualityRunError, SuiteRun, run_suite
from quality.score import quality_score
from quality.store import finding_counts, record_validation
from quality.suite import suite_name

log = logging.getLogger(__name__)


def findings_path(dataset: str, load_id: str) -> Path:
    """The Parquet of every finding of one load, error and warn, row by row."""
    return quality_home() / "findings" / dataset / f"{load_id}.parquet"


def write_findings(dataset: str, load_id: str, findings: pa.Table, data: Path) -> Path:
    """Keep a load's findings (FAILURE_SCHEMA rows, with the landed file and line of each row
    where `data` records them), replacing those of an earlier run of the load."""
    path = findings_path(dataset, load_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    present = set(pq.read_schema(data).names)
    where = [f"d.{c} AS {alias}" if c in present else f"CAST(NULL AS {typ}) AS {alias}"
             for c, alias, typ in (("_file", "source_file", "VARCHAR"), ("_line", "line", "BIGINT"))]
    tmp = temporary_beside(path)
    with load_connection(spill_of(data)) as con:
        con.register("findings", findings)
        con.execute(f"COPY (SELECT f.*, {', '.join(where)} FROM findings f"
                    f" LEFT JOIN read_parquet({sql_path(data)}) d USING (_row) ORDER BY f._row, f.\"column\")"
                    f" TO {sql_path(tmp)} (FORMAT parquet)")
    os.replace(tmp, path)
    return path


def validate_load(contract: Contract, data: Path, *, load_id: str,
                  thresholds: Thresholds | None = None) -> ValidationReport:
    """Validate one load's staged/addressed Parquet; the report says what to quarantine and
    whether the load may be published (`report.blocking` empty)."""
    data = Path(data)
    if not data.is_file():
        raise QualityRunError(f"{contract.id} load {load_id}: no Parquet at {data}")
    prof = profile(contract, data)
    schema = schema_gate(contract, data)
    if not schema.passed:
        # The suite's expectations assume the contracted types; a drifted load is rejected whole.
        return _finish(contract, load_id, data, prof, FAILURE_SCHEMA.empty_table(), [schema], None)
    run = run_suite(contract, data, load_id=load_id)
    findings = failure_rows(run.result, data)
    gates = [schema, *batch_gates(contract, load_id, prof, run.result, thresholds)]
    return _finish(contract, load_id, data, prof, findings, gates, run)


def _finish(contract: Contract, load_id: str, data: Path, prof: Profile, findings: pa.Table,
            gates: list[GateResult], run: SuiteRun | None) -> ValidationReport:
    """Score, store, document and (on a failed gate) notify; then hand back the report."""
    errors = findings.filter(pc.equal(findings.column("severity"), "error"))
    warnings = findings.filter(pc.equal(findings.column("severity"), "warn"))
    # Every row with a finding counts against validity, published (warn) or not (error); a load
    # the suite could not run on counts as wholly invalid.
    score = quality_score(prof.rows, distinct_rows(findings) if run else prof.rows, gates)
    suite = run.result.suite_name if run else suite_name(contract)
    write_findings(contract.id, load_id, findings, data)
    record_validation(
        {"load_id": load_id, "dataset": contract.id, "rows": prof.rows,
         "failing_rows": distinct_rows(errors), "failures": errors.num_rows, "score": score,
         "passed": all(g.passed for g in gates), "suite": suite,
         "result_path": str(run.result_path) if run else ""},
        prof.metrics(), [g.as_row() for g in gates], finding_counts(findings),
    )
    docs = build_data_docs(run.context, [run.result_id]) if run else data_docs_index()
    report = ValidationReport(
        dataset=contract.id, load_id=load_id, rows=prof.rows, failures=errors, warnings=warnings,
        gates=gates, score=score, suite=suite, result_path=run.result_path if run else None,
        data_docs=docs, success=bool(run.result.success) if run else False,
    )
    if report.blocking:
        log.warning("%s load %s blocked by %s", contract.id, load_id,
                    ", ".join(g.name for g in report.blocking))
        notify_failed_gates(contract.id, load_id, gates)
    return report
