"""Row failures of a validation into the load's quarantine: one quarantined record per failing row
(its reasons joined), and the list of rows the publisher leaves out. Rows an earlier step already
quarantined (named in `already`) are not quarantined twice."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from foundation.sql import path, paths
from warehouse import quarantine


def quarantine_failures(dataset: str, load_id: str, failures: pa.Table, data: Path,
                        invalid_rows: Path, already: list[Path]) -> int:
    """Write the validate stage's quarantine part for `failures` (rows of `data` by _row) and
    `invalid_rows` (_row of every row not to publish: these and those in `already`); return how
    many rows this stage quarantined."""
    earlier = [p for p in already if p.exists()]
    skip = (f" WHERE f._row NOT IN (SELECT _row FROM read_parquet({paths(earlier)}))" if earlier else "")
    con = duckdb.connect()
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
