"""The five steps of one feed's load: land -> stage -> address -> validate -> publish. Each takes
and returns a small reference (dataset id and load id, never data), records progress in the ledger,
and is importable and testable without Airflow; the DAGs and `shucang feeds run` call these.

A step that finds the input unusable records the load as rejected with a reason code and raises
LoadRejected; nothing of that load is published. `None` as a reference means "nothing new to load"
and every later step passes it through."""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

import duckdb

from contracts.contract import DATASETS_DIR, Contract, load_contract
from control import ledger
from control.ledger import LoadStatus
from feeds.errors import LoadRejected
from feeds.land import land, landed_files
from feeds.stage import stage
from foundation.duck import one_row
from foundation.settings import settings
from warehouse import quarantine
from warehouse.manifest import NotPublishedError, current_files
from warehouse.publish import ADDRESS_COLUMNS, SNAPSHOT_PARQUET, publish, published_columns


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


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
        files = ", ".join(f"'{p}'" for p in current_files(contract.id))
    except NotPublishedError:
        return None
    with duckdb.connect() as con:
        value = one_row(con, f"SELECT max({_q(contract.cursor)}) FROM read_parquet([{files}])")[0]
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
        _reject(ref, e, rows_in=e.rows)
        raise
    if result.rows_in == 0 and not result.rejected_files:
        # e.g. an HTTP page past the cursor: nothing to publish, and no new snapshot for nothing
        ledger.update_load(ref["load_id"], status=LoadStatus.noop, rows_in=0, rows_published=0,
                           rows_quarantined=0)
        return None
    ledger.update_load(ref["load_id"], status=LoadStatus.staged, rows_in=result.rows_in,
                       encoding=",".join(result.encodings) or None, blank_lines=result.blank_lines,
                       files_rejected=len(result.rejected_files),
                       reason="; ".join([f"{name}: {why}" for name, why in result.rejected_files]
                                        + [f"drift: {d}" for d in result.drift]) or None)
    return ref


def address_step(ref: LoadRef | None) -> LoadRef | None:
    """Match each distinct address once; unresolvable addresses go to quarantine."""
    if ref is None:
        return None
    contract = contract_for(ref["dataset"])
    if contract.address is None:
        ledger.update_load(ref["load_id"], status=LoadStatus.addressed)
        return ref
    from address_registry import match_many

    work = workdir(ref)
    staged, matches, addressed = (work / "staged.parquet", work / "addresses.parquet",
                                  work / "addressed.parquet")
    col = _q(contract.address.column)
    con = duckdb.connect()
    try:
        distinct = con.sql(
            f"SELECT DISTINCT {col} AS address FROM '{staged}' WHERE {col} IS NOT NULL").to_arrow_table()
        table = match_many(distinct.column("address"))
        con.register("matched", table)
        con.execute(f"COPY matched TO '{matches}' (FORMAT parquet)")
        quarantine.write_part_sql(
            con, contract.id, ref["load_id"], "address",
            f"SELECT s._file AS source_file, s._line AS line, '{contract.address.column}' AS column,"
            f" s.{col} AS raw_value, 'address_unresolved' AS reason_code,"
            f" coalesce(m.reason, 'address not recognised') AS reason,"
            f" to_json(s) AS record FROM '{staged}' s JOIN '{matches}' m ON s.{col} = m.address"
            f" WHERE m.match_level = 'none'")
        cols = ", ".join(f"m.{c}" if c in ADDRESS_COLUMNS else f"s.{_q(c)}"
                         for c in published_columns(contract))
        con.execute(
            f"COPY (SELECT {cols} FROM '{staged}' s LEFT JOIN '{matches}' m"
            f" ON s.{col} = m.address WHERE m.match_level IS DISTINCT FROM 'none')"
            f" TO '{addressed}' ({SNAPSHOT_PARQUET})")
    finally:
        con.close()
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
    from quality.validate import validate_load

    contract = contract_for(ref["dataset"])
    data = validated_input(ref)
    report = validate_load(contract, data, load_id=ref["load_id"])
    work = workdir(ref)
    con = duckdb.connect()
    try:
        con.register("failures", report.failures)
        quarantine.write_part_sql(
            con, contract.id, ref["load_id"], "validate",
            f"SELECT any_value(d._file) AS source_file, any_value(d._line) AS line,"
            f" arg_min(f.column, f.column) AS column, arg_min(f.value, f.column) AS raw_value,"
            f" arg_min(f.reason_code, f.column) AS reason_code,"
            f" string_agg(DISTINCT f.reason, '; ') AS reason, to_json(any_value(d)) AS record"
            f" FROM failures f JOIN '{data}' d USING (_row) GROUP BY f._row")
        con.execute(f"COPY (SELECT DISTINCT _row FROM failures) TO '{work / 'invalid_rows.parquet'}'"
                    " (FORMAT parquet)")
    finally:
        con.close()
    blocking = report.blocking
    if blocking:
        gate = blocking[0]
        err = GateRejected(gate.name, "; ".join(g.message for g in blocking))
        _reject(ref, err, rows_in=ledger.get_load(ref["load_id"])["rows_in"])
        raise err
    ledger.update_load(ref["load_id"], status=LoadStatus.validated)
    (work / "quality_score").write_text(str(report.score))
    return ref


def publish_step(ref: LoadRef | None) -> LoadRef | None:
    """Publish the load's valid rows atomically and seal its quarantine; check conservation."""
    if ref is None:
        return None
    contract = contract_for(ref["dataset"])
    work = workdir(ref)
    score_file = work / "quality_score"
    result = publish(contract, ref["load_id"], validated_input(ref),
                     excluded=[work / "invalid_rows.parquet"],
                     quality_score=float(score_file.read_text()) if score_file.exists() else None)
    _, quarantined = quarantine.seal(ref["dataset"], ref["load_id"])
    ledger.update_load(ref["load_id"], status=LoadStatus.published,
                       rows_published=result.rows_published, rows_quarantined=quarantined,
                       snapshot_id=result.snapshot_id)
    ledger.assert_conserved(ref["load_id"])
    return ref


def run_feed(dataset: str) -> LoadRef | None:
    """All five steps for one dataset in this process (what `shucang feeds run` does)."""
    ref = land_step(dataset)
    for step in (stage_step, address_step, validate_step, publish_step):
        ref = step(ref)
    return ref
