"""Publishing a load: upsert its rows by primary key into the dataset's table through
`warehouse.snapshots` (a lake commit of the increment, manifest swapped in atomically, then the
warehouse view repointed), so a publish costs the load, not the dataset. The snapshot is named after
the load, so a retried publish of a load that is already current is recognised and not applied
twice. Only one process publishes at a time on one machine (a lock file, and the Airflow pool
`shucang_warehouse`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from contracts.contract import Contract
from contracts.schema import ADDRESS_COLUMNS as STANDARD_ADDRESS_COLUMNS
from contracts.schema import published_schema
from foundation.duck import one_row
from foundation.sql import ident, literal, paths
from warehouse.manifest import Manifest, NotPublishedError, contract_fields, read_manifest
from warehouse.snapshots import Publication, Query, publish_snapshot, publisher_lock
from warehouse.views import sync_views

# the standard address columns, in the order the address step appends them
ADDRESS_COLUMNS = [name for name, *_ in STANDARD_ADDRESS_COLUMNS]


@dataclass(frozen=True)
class PublishResult:
    snapshot_id: str
    rows_published: int  # rows of this load now in the snapshot
    rows_total: int  # rows in the new snapshot
    manifest: Manifest
    view_pending: str | None  # why the warehouse view does not show the snapshot yet (None: it does)
    already_published: bool = False  # a retry found this load current already


# Published rows keep where they came from: load, row id in the load, landed file and line.
BOOKKEEPING = ["_row", "_file", "_line", "_load_id"]


def published_columns(contract: Contract) -> list[str]:
    """A snapshot's columns: the contract's, the address codes if it has an address, bookkeeping."""
    return ([c.name for c in contract.columns] + (ADDRESS_COLUMNS if contract.address else [])
            + BOOKKEEPING)


def _new_rows_sql(contract: Contract, data: Path, excluded: list[Path]) -> str:
    where = ""
    if excluded:
        where = f" WHERE _row NOT IN (SELECT _row FROM read_parquet({paths(excluded)}))"
    cols = ", ".join(ident(c) for c in published_columns(contract))
    return f"SELECT {cols} FROM read_parquet({paths([data])}){where}"


def _result(published: int, pub: Publication, already: bool) -> PublishResult:
    m = pub.manifest
    return PublishResult(m.snapshot_id, published, m.rows, m, pub.view_pending, already)


def _adoptable(data: Path, contract: Contract, excluded: list[Path]) -> bool:
    """Whether `data` can become the rows as it is: its columns are the published ones and none
    of its rows is excluded (the first load of a dataset, typically)."""
    with duckdb.connect() as con:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({paths([data])})").fetchall()
        names = [r[0] for r in described]
        return names == published_columns(contract) and all(
            one_row(con, f"SELECT count(*) FROM read_parquet({paths([p])})")[0] == 0 for p in excluded)


def _count(sql: str) -> int:
    with duckdb.connect() as con:
        return int(one_row(con, f"SELECT count(*) FROM ({sql})")[0])


def publish(contract: Contract, load_id: str, data: Path, *, excluded: list[Path] | None = None,
            quality_score: float | None = None) -> PublishResult:
    """Upsert the rows of `load_id` in `data` (staged or addressed Parquet, minus the `_row`s listed
    in the `excluded` Parquet files) into a new snapshot and make it current atomically. A load
    whose rows the current snapshot holds already is not merged again."""
    excluded = [p for p in (excluded or []) if p.exists()]
    with publisher_lock():
        try:
            previous = read_manifest(contract.id)
        except NotPublishedError:
            previous = None
        if previous is not None and load_id in (previous.snapshot_id, *previous.load_ids):
            held = _count(f"SELECT * FROM {previous.relation()} WHERE _load_id = {literal(load_id)}")
            return _result(held, Publication(previous, sync_views().pending), already=True)
        rows = _new_rows_sql(contract, data, excluded)
        pub = publish_snapshot(contract_fields(contract, quality_score),
                               data if _adoptable(data, contract, excluded) else Query(None, rows),
                               declared=published_schema(contract), key=contract.primary_key,
                               snapshot_id=load_id)
    return _result(_count(rows), pub, already=False)
