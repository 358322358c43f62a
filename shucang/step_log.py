"""One summary line per pipeline step, for the Airflow task logs and `shucang feeds run`: what
was landed, rows in / published / quarantined, the top quarantine reasons so far and the quality
gates' verdicts. It reads the ledger and the load's quarantine parts; it changes nothing."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow.parquet as pq

from control import ledger
from foundation.settings import settings
from foundation.sql import paths
from warehouse import quarantine

if TYPE_CHECKING:
    from feeds.stage import StageResult
    from quality.report import GateResult, ValidationReport

Ref = Mapping[str, Any]  # a load reference: {dataset, load_id}
log = logging.getLogger("shucang.pipeline")
TOP_REASONS = 3

# A step's log is its summary line. Quiet below WARNING: great_expectations, which logs its own
# import at INFO (a line per documented function, one per metric declared twice) and its column
# introspection, and the control plane's once-per-process migration check.
for _chatty in ("great_expectations", "alembic.runtime.migration"):
    logging.getLogger(_chatty).setLevel(logging.WARNING)
# GX imports pyspark when it is installed, which warns about pandas 3 on every import
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)


def top_reasons(dataset: str, load_id: str, top: int = TOP_REASONS) -> str:
    """`reason n, reason n, ...` of the rows the load quarantined so far (sealed or not), most
    frequent first; `none` when it quarantined nothing."""
    sealed = quarantine.final_path(dataset, load_id)
    files = [sealed] if sealed.exists() else sorted(
        (settings().staging / dataset / load_id).glob("quarantine-*.parquet"))
    if not files:
        return "none"
    with duckdb.connect() as con:
        rows = con.execute(f"SELECT reason_code, count(*) FROM read_parquet({paths(files)})"
                           " GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    shown = ", ".join(f"{code} {n}" for code, n in rows[:top])
    return shown + (f" (+{len(rows) - top} more)" if len(rows) > top else "") if rows else "none"


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def landed(ref: Ref, resumed: bool) -> None:
    """land: the files and bytes of a new load, or which step a resumed one continues after."""
    load = ledger.get_load(ref["load_id"])
    what = (f"resumed after {load['step'] or 'land'}" if resumed
            else f"landed {load['files']} file(s), {_size(load['bytes'] or 0)}")
    log.info("%s load %s: %s", ref["dataset"], ref["load_id"], what)


def staged(ref: Ref, result: StageResult) -> None:
    """stage: rows in, typed and quarantined, encodings, files refused whole."""
    refused = f"; {len(result.rejected_files)} file(s) refused" if result.rejected_files else ""
    log.info("%s load %s: stage rows in %d, staged %d, quarantined %d [%s]; encoding %s%s",
             ref["dataset"], ref["load_id"], result.rows_in, result.rows_staged, result.rows_quarantined,
             top_reasons(ref["dataset"], ref["load_id"]), ",".join(result.encodings) or "-", refused)


def addressed(ref: Ref, staged: Path, unresolved: int | None) -> None:
    """address: rows of `staged` resolved and unresolved (None: the contract has no address column)."""
    if unresolved is None:
        log.info("%s load %s: address not matched (the contract names no address column)",
                 ref["dataset"], ref["load_id"])
        return
    rows = pq.ParquetFile(staged).metadata.num_rows
    log.info("%s load %s: address rows %d, resolved %d, unresolved %d (quarantined) [%s]",
             ref["dataset"], ref["load_id"], rows, rows - unresolved, unresolved,
             top_reasons(ref["dataset"], ref["load_id"]))


def gate_verdict(gate: GateResult) -> str:
    """`name ok` or `name FAILED (observed x, expected y)`."""
    if gate.passed:
        return f"{gate.name} ok"
    return f"{gate.name} FAILED (observed {gate.observed}, expected {gate.expected})"


def validated(ref: Ref, report: ValidationReport) -> None:
    """validate: rows checked, rows failing error checks, warn findings, gates, score."""
    gates = ", ".join(gate_verdict(g) for g in report.gates) or "none"
    log.info("%s load %s: validate rows %d, failing error checks %d (quarantined), warn findings %d"
             " (published); gates: %s; score %.1f; quarantine so far [%s]",
             ref["dataset"], ref["load_id"], report.rows, report.failing_rows, report.warnings.num_rows,
             gates, report.score, top_reasons(ref["dataset"], ref["load_id"]))


def published(ref: Ref) -> None:
    """publish: the ledger's conserved counts, the top reasons and the new snapshot."""
    load: dict[str, Any] = ledger.get_load(ref["load_id"])
    log.info("%s load %s: published rows in %s / published %s / quarantined %s [%s]; snapshot %s",
             ref["dataset"], ref["load_id"], load["rows_in"], load["rows_published"],
             load["rows_quarantined"], top_reasons(ref["dataset"], ref["load_id"]), load["snapshot_id"])
