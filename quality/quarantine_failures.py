"""What a validation does to a load's rows: failures of error checks into the load's quarantine
(one record per failing row, its reasons joined) with the list of rows the publisher leaves out
(rows an earlier step already quarantined, named in `already`, are not quarantined twice); values
of warn checks with `on_fail: set_null` written out as NULL."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from foundation.duck import load_connection, spill_of
from foundation.sql import ident, literal, path, paths
from warehouse import quarantine
from warehouse.snapshots import SNAPSHOT_PARQUET


def quarantine_failures(dataset: str, load_id: str, failures: pa.Table, data: Path,
                        invalid_rows: Path, already: list[Path]) -> int:
    """Write the validate stage's quarantine part for `failures` (rows of `data` by _row) and
    `invalid_rows` (_row of every row not to publish: these and those in `already`); return how
    many rows this stage quarantined."""
    earlier = [p for p in already if p.exists()]
    skip = (f" WHERE f._row NOT IN (SELECT _row FROM read_parquet({paths(earlier)}))" if earlier else "")
    con = load_connection(spill_of(data))
    try:
        con.register("failures", failures)
        count = quarantine.write_part_sql(
            con, dataset, load_id, "validate",
            f"SELECT any_value(d._file) AS source_file, any_value(d._line) AS line,"
            f" arg_min(f.column, f.column) AS column, arg_min(f.value, f.column) AS raw_value,"
            f" arg_min(f.reason_code, f.column) AS reason_code,"
            f" string_agg(DISTINCT f.reason, '; ') AS reason, to_json(any_value(d)) AS record"
            f" FROM failures f JOIN read_parquet({path(data)}) d USING (_row){skip} GROUP BY f._row")
        union = "".join(f" UNION SELECT _row FROM read_parquet({path(p)})" for p in earlier)
        con.execute(f"COPY (SELECT DISTINCT _row FROM failures{union}) TO {path(invalid_rows)}"
                    " (FORMAT parquet)")
    finally:
        con.close()
    return count


def write_nulled(data: Path, nulled: pa.Table, out: Path) -> None:
    """Copy `data` to `out` with the (_row, column) cells of `nulled` set to NULL."""
    columns = sorted(set(nulled.column("column").to_pylist()))
    replace = ", ".join(
        f"CASE WHEN _row IN (SELECT _row FROM nulled WHERE \"column\" = {literal(c)}) THEN NULL"
        f" ELSE {ident(c)} END AS {ident(c)}" for c in columns)
    con = load_connection(spill_of(data))
    try:
        con.register("nulled", nulled)
        con.execute(f"COPY (SELECT * REPLACE ({replace}) FROM read_parquet({path(data)}))"
                    f" TO {path(out)} ({SNAPSHOT_PARQUET})")
    finally:
        con.close()
