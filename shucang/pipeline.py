"""The five steps of one feed's load: land -> stage -> address -> validate -> publish. Each takes
and returns a small reference (dataset id and load id, never data), records progress in the ledger,
and is importable and testable without Airflow; the DAGs and `shucang feeds run` call these.

A step that finds the input unusable records the load as rejected with a reason code and raises
LoadRejected; nothing of that load is published. `None` as a reference means "nothing new to load"
and every later step passes it through."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TypedDict

import duckdb

from address_registry.attach import attach_addresses
from contracts.contract import DATASETS_DIR, Contract, load_contract
from control import ledger
from control.ledger import LoadStatus
from feeds.errors import LoadRejected
from feeds.land import land, landed_files
from feeds.stage import stage
from foundation.duck import one_row
from foundation.settings import settings
from foundation.sql import ident, paths
from quality.quarantine_failures import quarantine_failures
from quality.store import load_quality
from warehouse import quarantine
from warehouse.manifest import NotPublishedError, current_files
from warehouse.publish import publish

log = logging.getLogger(__name__)
# how the ledger says a published load's warehouse view still shows the snapshot before it
VIEW_PENDING = "warehouse view sync pending"


class LoadRef(TypedDict):
    dataset: str
    load_id: str


class GateRejected(LoadRejected):
    """A batch-level quality gate failed: the load is held back whole."""

    def __init__(self, gate: str, message: str) -> None:
        super().__init__(message)
        self.reason_code = f"rejected:gate:{gate}"


def contract_for(dataset: str) -> Contract:
    """The contract of `dataset` from catalog/datasets/."""
    return load_contract(DATASETS_DIR / f"{dataset}.yaml")


def workdir(ref: LoadRef) -> Path:
    """staging/<dataset>/<load_id>/: the load's intermediate files."""
    return settings().staging / ref["dataset"] / ref["load_id"]


def _reject(ref: LoadRef, err: LoadRejected, rows_in: int | None = None) -> None:
    """Record a whole-load rejection in the quarantine and the ledger."""
    quarantine.write_part_records(ref["dataset"], ref["load_id"], "rejected", [{
        "source_file": None, "reason_code": err.reason_code, "reason": err.message}])
    quarantine.seal(ref["dataset"], ref["load_id"])
    ledger.update_load(ref["load_id"], status=LoadStatus.rejected,
                       reason=f"{err.reason_code}: {err.message}", rows_in=rows_in,
                       rows_published=0 if rows_in is not None else None,
                       rows_quarantined=rows_in)


def latest_cursor(contract: Contract) -> str | None:
    """The highest published value of the contract's incremental cursor, as ISO text."""
    if not contract.cursor:
        return None
    try:
        files = current_files(contract.id)
    except NotPublishedError:
        return None
    with duckdb.connect() as con:
        value = one_row(con, f"SELECT max({ident(contract.cursor)}) FROM read_parquet({paths(files)})")[0]
    return value.isoformat() if value is not None else None


def land_step(dataset: str) -> LoadRef | None:
    """Land what is new for `dataset`; None when nothing is."""
    contract = contract_for(dataset)
    load_id = land(contract, since=latest_cursor(contract))
    return {"dataset": dataset, "load_id": load_id} if load_id else None


def stage_step(ref: LoadRef | None) -> LoadRef | None:
    """Type the landed files; structural rejections stop the load here."""
    if ref is None:
        return None
    contract = contract_for(ref["dataset"])
    try:
        result = stage(contract, ref["load_id"], landed_files(ref["dataset"], ref["load_id"]),
                       workdir(ref))
    except LoadRejected as e:
        _reject(ref, e)
        raise
    if result.rows_in == 0 and not result.rejected_files:
        # e.g. an HTTP page past the cursor: nothing to publish, and no new snapshot for nothing
        ledger.update_load(ref["load_id"], status=LoadStatus.noop, rows_in=0, rows_published=0,
                           rows_quarantined=0)
        return None
    ledger.update_load(ref["load_id"], status=LoadStatus.staged, rows_in=result.rows_in,
                       encoding=",".join(result.encodings) or None, blank_lines=result.blank_lines,
                       files_rejected=len(result.rejected_files),
                       reason="; ".join(f"{name}: {why}" for name, why in result.rejected_files) or None)
    return ref


def address_step(ref: LoadRef | None) -> LoadRef | None:
    """Match each distinct address once (address_registry.attach); unresolved rows are quarantined
    there and stay visible to the match-rate gate."""
    if ref is None:
        return None
    contract = contract_for(ref["dataset"])
    if contract.address is not None:
        work = workdir(ref)
        attach_addresses(contract, ref["load_id"], work / "staged.parquet", work)
    ledger.update_load(ref["load_id"], status=LoadStatus.addressed)
    return ref


def validated_input(ref: LoadRef) -> Path:
    """The Parquet file validation and publishing read: addressed rows if any, else staged."""
    work = workdir(ref)
    addressed = work / "addressed.parquet"
    return addressed if addressed.exists() else work / "staged.parquet"


def validate_step(ref: LoadRef | None) -> LoadRef | None:
    """Run the contract's great_expectations suite; failing rows go to quarantine, a failing gate
    rejects the whole load."""
    if ref is None:
        return None
    # great_expectations takes seconds to import: only the process that validates pays for it
    from quality.validate import validate_load

    contract = contract_for(ref["dataset"])
    data = validated_input(ref)
    report = validate_load(contract, data, load_id=ref["load_id"])
    work = workdir(ref)
    quarantine_failures(contract.id, ref["load_id"], report.failures, data,
                        work / "invalid_rows.parquet", already=[work / "unresolved_rows.parquet"])
    blocking = report.blocking
    if blocking:
        gate = blocking[0]
        err = GateRejected(gate.name, "; ".join(g.message for g in blocking))
        _reject(ref, err, rows_in=ledger.get_load(ref["load_id"])["rows_in"])
        raise err
    ledger.update_load(ref["load_id"], status=LoadStatus.validated)
    return ref


def publish_step(ref: LoadRef | None) -> LoadRef | None:
    """Publish the load's valid rows atomically and seal its quarantine; check conservation."""
    if ref is None:
        return None
    contract = contract_for(ref["dataset"])
    work = workdir(ref)
    validation = load_quality(ref["load_id"])
    result = publish(contract, ref["load_id"], validated_input(ref),
                     excluded=[work / "invalid_rows.parquet"],
                     quality_score=validation["score"] if validation else None)
    _, quarantined = quarantine.seal(ref["dataset"], ref["load_id"])
    notes = {}
    if result.view_pending:
        # published and recorded all the same: readers go through the manifest; the view follows
        log.warning("%s: load %s published; %s", ref["dataset"], ref["load_id"], result.view_pending)
        earlier = ledger.get_load(ref["load_id"])["reason"]
        notes["reason"] = "; ".join(filter(None, [earlier, f"{VIEW_PENDING}: {result.view_pending}"]))
    ledger.update_load(ref["load_id"], status=LoadStatus.published,
                       rows_published=result.rows_published, rows_quarantined=quarantined,
                       snapshot_id=result.snapshot_id, **notes)
    ledger.assert_conserved(ref["load_id"])
    return ref


def run_feed(dataset: str) -> LoadRef | None:
    """All five steps for one dataset in this process (what `shucang feeds run` does)."""
    ref = land_step(dataset)
    for step in (stage_step, address_step, validate_step, publish_step):
        ref = step(ref)
    return ref
