"""The five steps of one feed's load: land -> stage -> address -> validate -> publish. Each takes
and returns a small reference (dataset id and load id, never data), records progress in the ledger,
and is importable and testable without Airflow; the DAGs and `shucang feeds run` call these.

A step that finds the input unusable records the load as rejected with a reason code and raises
LoadRejected; nothing of that load is published. `None` as a reference means "nothing new to load"
and every later step passes it through.

Loads survive crashes. Each step holds the dataset's lease while it works, records in the ledger
the step it completed, and redoes nothing a load already did: it rewrites only the load's own
work folder, so a step killed half way is simply run again. A load left unfinished (killed,
failed, control plane gone) is what the next run of its dataset works on first, from its last
completed step; any other exception marks it `failed` with the reason (still resumable), and
operators can resume or abandon it by id. `foundation.faults.point` marks where the crash tests
kill a load: the `.start` and `.recorded` boundary of every step and the points in between."""

from __future__ import annotations

import functools
import logging
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypedDict

import duckdb
from sqlalchemy import exc

from contracts.contract import Contract, contracts_dir, load_contract
from control import lease, ledger
from control.db import ControlPlaneUnavailable, outages_reported
from control.ledger import STEPS, LoadStatus
from feeds.errors import LoadRejected
from feeds.land import land, landed_files
from feeds.stage import stage
from foundation import faults
from foundation.duck import one_row
from foundation.settings import settings, value
from foundation.sql import ident
from quality.quarantine_failures import quarantine_failures, write_nulled
from quality.store import load_quality
from shucang import step_log
from sources.file import FileSource
from warehouse import quarantine
from warehouse.manifest import NotPublishedError, current_relation, read_manifest
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


class LoadFailed(RuntimeError):
    """A step of a load failed for a reason other than its input; the load is marked `failed`
    and the next run of its dataset resumes it after its last completed step."""

    def __init__(self, load_id: str, step: str, err: BaseException) -> None:
        super().__init__(f"load {load_id} failed in {step}: {type(err).__name__}: {err}. Fix the"
                         f" cause and run the dataset again (or `shucang loads resume {load_id}`):"
                         " it resumes after its last completed step.")
        self.load_id = load_id


class LoadFinished(ValueError):
    """An operator asked to resume or abandon a load that is finished (or already published)."""


class Abandoned(LoadRejected):
    """An operator gave up a load: its rows are all quarantined with the operator's reason."""

    reason_code = "rejected:abandoned"


def contract_for(dataset: str) -> Contract:
    """The contract of `dataset` from the contracts folder (catalog/datasets/ by default)."""
    return load_contract(contracts_dir() / f"{dataset}.yaml")


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
        snapshot = current_relation(contract.id)
    except NotPublishedError:
        return None
    with duckdb.connect() as con:
        value = one_row(con, f"SELECT max({ident(contract.cursor)}) FROM {snapshot}")[0]
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)  # a date or a sequence number


@contextmanager
def _guarded(dataset: str, load_id: str | None, step: str) -> Iterator[None]:
    """Hold `dataset`'s lease for a step; report control-plane outages as such and mark the load
    `failed` on any other error but a rejection of its input."""
    with outages_reported(), lease.holding(dataset):
        try:
            yield
        except (LoadRejected, lease.LeaseLost, ControlPlaneUnavailable, exc.OperationalError,
                exc.InterfaceError):
            raise
        except Exception as e:
            if load_id is None:  # nothing was recorded yet: there is no load to mark
                raise
            _mark_failed(load_id, step, e)
            raise LoadFailed(load_id, step, e) from e


def _mark_failed(load_id: str, step: str, err: Exception) -> None:
    """Record why the machinery failed; if the control plane is what failed, the load keeps its
    last recorded step, which resumes it just the same."""
    with outages_reported():
        ledger.update_load(load_id, status=LoadStatus.failed, error=f"{step}: {type(err).__name__}: {err}")


Step = Callable[[LoadRef | None], LoadRef | None]


def _step(name: str, marks: str) -> Callable[[Step], Step]:
    """A step `name` that leaves a load at status `marks`: passes None through, does nothing for a
    load that completed it already (a resumed one) or was refused, and runs guarded."""

    def wrap(work: Step) -> Step:
        @functools.wraps(work)
        def step(ref: LoadRef | None) -> LoadRef | None:
            if ref is None:
                return None
            with _guarded(ref["dataset"], ref["load_id"], name):
                load = ledger.get_load(ref["load_id"])
                if load["status"] in (LoadStatus.rejected, LoadStatus.noop):
                    return None
                if ledger.progress(load) > STEPS.index(marks):
                    return ref
                faults.point(f"{name}.start")
                out = work(ref)
                faults.point(f"{name}.recorded")
                return out

        return step

    return wrap


def _record(ref: LoadRef, status: str, **values: Any) -> None:
    """Record that `ref` completed the step leaving it at `status` (if this run still holds the
    dataset's lease)."""
    lease.check(ref["dataset"])
    ledger.update_load(ref["load_id"], status=status, step=status, **values)


def land_step(dataset: str) -> LoadRef | None:
    """The dataset's unfinished load if it has one (it is resumed, never skipped), else what is
    new landed as a new load; None when there is neither."""
    with _guarded(dataset, None, "land"):
        unfinished = ledger.unfinished_loads(dataset)
        if unfinished:
            load = unfinished[0]
            # from `failed` back to the step it completed: it is being worked on again
            ledger.update_load(load["load_id"], status=STEPS[ledger.progress(load) - 1])
            ref: LoadRef = {"dataset": dataset, "load_id": load["load_id"]}
            step_log.landed(ref, resumed=True)
            return ref
        contract = contract_for(dataset)
        load_id = land(contract, since=latest_cursor(contract))
        if load_id is None:
            log.info("%s: nothing new to land", dataset)
            return None
        faults.point("land.recorded")
        ref = {"dataset": dataset, "load_id": load_id}
        step_log.landed(ref, resumed=False)
        return ref


def on_spark(contract: Contract, files: list[Path]) -> bool:
    """Whether the load of `files` runs on Spark: the contract says `engine: spark`, or `auto` and
    they are CSV files of at least SHUCANG_SPARK_MIN_BYTES bytes together."""
    if contract.engine != "auto":
        return contract.engine == "spark"
    least = value("SHUCANG_SPARK_MIN_BYTES")
    return (least is not None and isinstance(contract.source, FileSource) and contract.source.format == "csv"
            and sum(f.stat().st_size for f in files) >= int(least))


def _spark_cannot_read(contract: Contract, ref: LoadRef, files: list[Path]) -> bool:
    """Whether a load bound for Spark holds what only the DuckDB path's stager reads exactly
    (logged with the reason; the load is then staged there)."""
    from feeds.spark_stage import unread_by_spark

    why = unread_by_spark(contract, files)
    if why:
        log.warning("%s load %s: staged on DuckDB, not Spark: %s", ref["dataset"], ref["load_id"], why)
    return why is not None


@_step("stage", LoadStatus.staged)
def stage_step(ref: LoadRef | None) -> LoadRef | None:
    """Type the landed files; structural rejections stop the load here."""
    assert ref is not None
    contract = contract_for(ref["dataset"])
    work = workdir(ref)
    shutil.rmtree(work, ignore_errors=True)  # a stage run again starts from the landed files alone
    files = landed_files(ref["dataset"], ref["load_id"])
    try:
        if on_spark(contract, files) and not _spark_cannot_read(contract, ref, files):
            # pyspark and a JVM start in seconds: only the loads that run on Spark pay for them
            from feeds.spark_stage import stage_on_spark

            result = stage_on_spark(contract, ref["load_id"], files, work)
        else:
            result = stage(contract, ref["load_id"], files, work)
    except LoadRejected as e:
        _reject(ref, e, rows_in=e.rows)
        raise
    faults.point("stage.written")
    if result.rows_in == 0 and not result.rejected_files:
        # e.g. an HTTP page past the cursor: nothing to publish, and no new snapshot for nothing
        ledger.update_load(ref["load_id"], status=LoadStatus.noop, rows_in=0, rows_published=0,
                           rows_quarantined=0)
        log.info("%s load %s: no rows past the cursor; recorded as a no-op", ref["dataset"], ref["load_id"])
        return None
    _record(ref, LoadStatus.staged, rows_in=result.rows_in,
            encoding=",".join(result.encodings) or None, blank_lines=result.blank_lines,
            files_rejected=len(result.rejected_files),
            reason="; ".join([f"{name}: {why}" for name, why in result.rejected_files]
                             + [f"drift: {d}" for d in result.drift]) or None)
    step_log.staged(ref, result)
    return ref


@_step("address", LoadStatus.addressed)
def address_step(ref: LoadRef | None) -> LoadRef | None:
    """Match each distinct address once (address_registry.attach, or spark_attach for a load on
    Spark); unresolved rows are quarantined there and stay visible to the match-rate gate."""
    assert ref is not None
    # the matcher and its registry take seconds to import: only the process that matches pays
    from address_registry.attach import attach_addresses

    contract = contract_for(ref["dataset"])
    unresolved = None
    if contract.address is not None:
        work = workdir(ref)
        attach = attach_addresses
        if on_spark(contract, landed_files(ref["dataset"], ref["load_id"])):
            from address_registry.spark_attach import attach_on_spark as attach
        unresolved = attach(contract, ref["load_id"], work / "staged.parquet", work).unresolved
    faults.point("address.written")
    _record(ref, LoadStatus.addressed)
    step_log.addressed(ref, workdir(ref) / "staged.parquet", unresolved)
    return ref


def checked_input(ref: LoadRef) -> Path:
    """The Parquet file validation reads: addressed rows if any, else staged."""
    work = workdir(ref)
    addressed = work / "addressed.parquet"
    return addressed if addressed.exists() else work / "staged.parquet"


def validated_input(ref: LoadRef) -> Path:
    """The Parquet file publishing reads: the checked rows, with the values warn checks set to
    NULL where the contract says `on_fail: set_null`."""
    nulled = workdir(ref) / "nulled.parquet"
    return nulled if nulled.exists() else checked_input(ref)


@_step("validate", LoadStatus.validated)
def validate_step(ref: LoadRef | None) -> LoadRef | None:
    """Run the contract's great_expectations suite; rows failing an error check go to quarantine,
    rows failing only warn checks are published (their findings recorded by quality), a failing
    gate rejects the whole load."""
    assert ref is not None
    # great_expectations takes seconds to import: only the process that validates pays for it
    from quality.validate import validate_load

    contract = contract_for(ref["dataset"])
    data = checked_input(ref)
    report = validate_load(contract, data, load_id=ref["load_id"])
    faults.point("validate.checked")
    work = workdir(ref)
    nulled = work / "nulled.parquet"
    nulled.unlink(missing_ok=True)  # a retried validation decides afresh
    if report.nulled.num_rows:
        write_nulled(data, report.nulled, nulled)
    quarantine_failures(contract.id, ref["load_id"], report.failures, data,
                        work / "invalid_rows.parquet", already=[work / "unresolved_rows.parquet"])
    faults.point("validate.quarantined")
    step_log.validated(ref, report)
    blocking = report.blocking
    if blocking:
        gate = blocking[0]
        err = GateRejected(gate.name, "; ".join(g.message for g in blocking))
        _reject(ref, err, rows_in=ledger.get_load(ref["load_id"])["rows_in"])
        raise err
    _record(ref, LoadStatus.validated)
    return ref


@_step("publish", LoadStatus.published)
def publish_step(ref: LoadRef | None) -> LoadRef | None:
    """Publish the load's valid rows atomically and seal its quarantine; check conservation."""
    assert ref is not None
    contract = contract_for(ref["dataset"])
    work = workdir(ref)
    validation = load_quality(ref["load_id"])
    # a retry after a kill past the manifest swap finds the load current and publishes nothing again
    result = publish(contract, ref["load_id"], validated_input(ref),
                     excluded=[work / "invalid_rows.parquet"],
                     quality_score=validation["score"] if validation else None)
    faults.point("publish.manifest_swapped")
    _, quarantined = quarantine.seal(ref["dataset"], ref["load_id"])
    faults.point("publish.sealed")
    notes = {}
    if result.view_pending:
        # published and recorded all the same: readers go through the manifest; the view follows
        log.warning("%s: load %s published; %s", ref["dataset"], ref["load_id"], result.view_pending)
        earlier = ledger.get_load(ref["load_id"])["reason"]
        notes["reason"] = "; ".join(filter(None, [earlier, f"{VIEW_PENDING}: {result.view_pending}"]))
    _record(ref, LoadStatus.published, rows_published=result.rows_published,
            rows_quarantined=quarantined, snapshot_id=result.snapshot_id, **notes)
    ledger.assert_conserved(ref["load_id"])
    step_log.published(ref)
    return ref


def in_current_snapshot(ref: LoadRef) -> bool:
    """Whether the dataset's current snapshot holds this load (its publish swapped the manifest)."""
    try:
        manifest = read_manifest(ref["dataset"])
    except NotPublishedError:
        return False
    return ref["load_id"] in (manifest.snapshot_id, *manifest.load_ids)


def _finish(ref: LoadRef | None) -> LoadRef | None:
    """The steps after landing, each skipped where the load did it already."""
    for step in (stage_step, address_step, validate_step, publish_step):
        ref = step(ref)
    return ref


def run_feed(dataset: str) -> LoadRef | None:
    """All five steps for one dataset in this process (what `shucang feeds run` does): first the
    dataset's unfinished load if it has one, then what is new. Returns the last load published."""
    last = None
    with outages_reported(), lease.holding(dataset):
        while True:
            resuming = bool(ledger.unfinished_loads(dataset))
            ref = _finish(land_step(dataset))
            last = ref or last
            if not resuming:
                return last


def resume_load(load_id: str) -> LoadRef | None:
    """Run the remaining steps of an unfinished load (`shucang loads resume`)."""
    load = ledger.get_load(load_id)
    if load["status"] in ledger.TERMINAL:
        raise LoadFinished(f"load {load_id} is {load['status']}: there is nothing to resume")
    ref: LoadRef = {"dataset": load["dataset"], "load_id": load_id}
    with outages_reported(), lease.holding(ref["dataset"]):
        ledger.update_load(load_id, status=STEPS[ledger.progress(load) - 1])
        return _finish(ref)


def abandon_load(load_id: str, reason: str) -> None:
    """Give up an unfinished load (`shucang loads abandon`): it becomes rejected, every row it
    took in counted as quarantined with the operator's reason, so the ledger still balances."""
    load = ledger.get_load(load_id)
    ref: LoadRef = {"dataset": load["dataset"], "load_id": load_id}
    with outages_reported(), lease.holding(ref["dataset"]):
        load = ledger.get_load(load_id)
        if load["status"] in ledger.TERMINAL:
            raise LoadFinished(f"load {load_id} is {load['status']}: there is nothing to abandon")
        if in_current_snapshot(ref):
            raise LoadFinished(f"load {load_id} is in the current snapshot of {ref['dataset']}:"
                               f" run `shucang loads resume {load_id}` to record it as published")
        _reject(ref, Abandoned(f"abandoned by an operator: {reason}"), rows_in=load["rows_in"])
