"""Publishing a load: upsert its rows by primary key into the dataset's table through
`warehouse.snapshots` (a lake commit of the increment, manifest swapped in atomically, then the
warehouse view repointed), so a publish costs the load, not the dataset. The snapshot is named after
the load, so a retried publish of a load that is already current is recognised and not applied
twice. Only one process publishes at a time on one machine (a lock file, and the Airflow pool
`shucang_warehouse`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from contracts.contract import Contract, Grade
from contracts.schema import ADDRESS_COLUMN_NAMES, BOOKKEEPING, DatasetTags, SchemaColumn, published_schema
from foundation.duck import load_connection, one_row, spill_of
from foundation.sql import ident, literal, paths
from warehouse.manifest import Manifest, NotPublishedError, contract_fields, read_manifest
from warehouse.snapshots import Publication, Query, publish_snapshot, publisher_lock
from warehouse.views import sync_views


@dataclass(frozen=True)
class PublishResult:
    snapshot_id: str
    rows_published: int  # rows of this load now in the snapshot
    rows_total: int  # rows in the new snapshot
    manifest: Manifest
    view_pending: str | None  # why the warehouse view does not show the snapshot yet (None: it does)
    already_published: bool = False  # a retry found this load current already


def published_columns(contract: Contract, kept: Sequence[str] = ()) -> list[str]:
    """A snapshot's columns: the contract's, the address codes if it has an address, the `kept`
    columns of the feed the contract does not declare (`on_extra_columns: keep`), bookkeeping."""
    return ([c.name for c in contract.columns] + list(ADDRESS_COLUMN_NAMES if contract.address else ())
            + list(kept) + list(BOOKKEEPING))


def kept_columns(contract: Contract, data: Path) -> list[str]:
    """The columns of a load's Parquet file `data` that the contract does not declare: the feed's
    extra columns a contract with `on_extra_columns: keep` keeps, in file order."""
    fixed = set(published_columns(contract))
    with load_connection(spill_of(data)) as con:
        return [n for n in _names(con, data) if n not in fixed]


def _names(con: duckdb.DuckDBPyConnection, data: Path) -> list[str]:
    """The column names of the Parquet file `data`, in file order."""
    return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({paths([data])})").fetchall()]


UNDECLARED = "（契约未声明：按 L4 保管，在契约中分类前不可共享）"


def undeclared_schema(contract: Contract, names: Sequence[str]) -> list[SchemaColumn]:
    """The classification of columns published without a declaration in the contract: text at
    the strictest grade, L4, so that no grant can hand them out before the contract classifies
    them (grants name only the contract's columns)."""
    tags = DatasetTags.of_contract(contract)
    return [tags.column(n, "VARCHAR", f"{n}{UNDECLARED}", Grade.L4) for n in names]


def _new_rows_sql(contract: Contract, data: Path, excluded: list[Path], kept: Sequence[str]) -> str:
    where = ""
    if excluded:
        where = f" WHERE _row NOT IN (SELECT _row FROM read_parquet({paths(excluded)}))"
    cols = ", ".join(ident(c) for c in published_columns(contract, kept))
    return f"SELECT {cols} FROM read_parquet({paths([data])}){where}"


def _adoptable(data: Path, contract: Contract, excluded: list[Path], kept: Sequence[str]) -> bool:
    """Whether `data` can become the rows as it is: its columns are the published ones and none
    of its rows is excluded (the first load of a dataset, typically)."""
    with load_connection(spill_of(data)) as con:
        return _names(con, data) == published_columns(contract, kept) and all(
            one_row(con, f"SELECT count(*) FROM read_parquet({paths([p])})")[0] == 0 for p in excluded)


def _count(sql: str, spill: Path) -> int:
    with load_connection(spill) as con:
        return int(one_row(con, f"SELECT count(*) FROM ({sql})")[0])


def _result(published: int, pub: Publication, already: bool) -> PublishResult:
    m = pub.manifest
    return PublishResult(m.snapshot_id, published, m.rows, m, pub.view_pending, already)


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
            held = _count(f"SELECT * FROM {previous.relation()} WHERE _load_id = {literal(load_id)}",
                          spill_of(data))
            return _result(held, Publication(previous, sync_views().pending), already=True)
        kept = kept_columns(contract, data)
        fixed = set(published_columns(contract, kept))
        # undeclared columns earlier loads kept stay in the table (new rows have them NULL)
        carried = [c.name for c in previous.columns if c.name not in fixed] if previous else []
        rows = _new_rows_sql(contract, data, excluded, kept)
        pub = publish_snapshot(contract_fields(contract, quality_score),
                               data if _adoptable(data, contract, excluded, kept) else Query(None, rows),
                               declared=[*published_schema(contract),
                                         *undeclared_schema(contract, kept + carried)],
                               key=contract.primary_key, snapshot_id=load_id)
    return _result(_count(rows, spill_of(data)), pub, already=False)
