"""The address step of a load: match each distinct address string of a staged Parquet file once and
join the registry's codes onto every row. Rows whose address cannot be resolved stay in the
addressed file (match_level 'none'), so the match-rate gate counts every row that reached this
step; they are quarantined here as `address_unresolved` and listed for the publisher to leave out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from address_registry.match import match_many
from contracts.contract import Contract
from contracts.schema import ADDRESS_COLUMN_NAMES
from foundation.duck import load_connection, one_row
from foundation.sql import ident, literal, path
from warehouse import quarantine
from warehouse.publish import kept_columns, published_columns
from warehouse.snapshots import SNAPSHOT_PARQUET


@dataclass(frozen=True)
class AddressedLoad:
    """What the address step wrote: the addressed rows, the unresolved row ids, their count."""

    addressed: Path
    unresolved_rows: Path
    unresolved: int


def unresolved_select(contract: Contract, join: str) -> str:
    """SQL for the quarantine rows of the staged rows `s` whose match `m` (joined by `join`, a FROM
    clause) resolved nothing."""
    assert contract.address is not None
    column = contract.address.column
    return (f"SELECT s._file AS source_file, s._line AS line, {literal(column)} AS column,"
            f" s.{ident(column)} AS raw_value, 'address_unresolved' AS reason_code,"
            f" coalesce(m.reason, 'address not recognised') AS reason, to_json(s) AS record"
            f" {join} WHERE m.match_level = 'none'")


def attach_addresses(contract: Contract, load_id: str, staged: Path, work: Path) -> AddressedLoad:
    """Match the contract's address column of `staged` and write, under `work`, addresses.parquet
    (one row per distinct string), addressed.parquet (every row with its codes) and
    unresolved_rows.parquet (the _row of each row quarantined as address_unresolved)."""
    if contract.address is None:
        raise ValueError(f"{contract.id} has no address column to match")
    column = contract.address.column
    col = ident(column)
    matches, addressed, unresolved = (work / "addresses.parquet", work / "addressed.parquet",
                                      work / "unresolved_rows.parquet")
    join = (f"FROM read_parquet({path(staged)}) s"
            f" LEFT JOIN read_parquet({path(matches)}) m ON s.{col} = m.address")
    con = load_connection(work / "spill")
    try:
        distinct = con.sql(f"SELECT DISTINCT {col} AS address FROM read_parquet({path(staged)})"
                           f" WHERE {col} IS NOT NULL").to_arrow_table()
        con.register("matched", match_many(distinct.column("address")))
        con.execute(f"COPY matched TO {path(matches)} (FORMAT parquet)")
        quarantine.write_part_sql(con, contract.id, load_id, "address", unresolved_select(contract, join))
        cols = ", ".join(f"m.{c}" if c in ADDRESS_COLUMN_NAMES else f"s.{ident(c)}"
                         for c in published_columns(contract, kept_columns(contract, staged)))
        con.execute(f"COPY (SELECT {cols} {join}) TO {path(addressed)} ({SNAPSHOT_PARQUET})")
        con.execute(f"COPY (SELECT s._row {join} WHERE m.match_level = 'none') TO {path(unresolved)}"
                    " (FORMAT parquet)")
        count = int(one_row(con, f"SELECT count(*) FROM read_parquet({path(unresolved)})")[0])
    finally:
        con.close()
    return AddressedLoad(addressed, unresolved, count)
