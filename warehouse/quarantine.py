"""The quarantine: every row a load did not publish, with the stage that stopped it and why.
Stages write their part under staging/<dataset>/<load_id>/quarantine-<stage>.parquet; when the load
ends they are gathered into quarantine/<dataset>/<load_id>.parquet, which is never rewritten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from foundation.duck import one_row
from foundation.settings import settings
from foundation.sql import ident, literal
from foundation.sql import path as sql_path

SCHEMA = pa.schema([
    ("dataset", pa.string()),
    ("load_id", pa.string()),
    ("stage", pa.string()),
    ("source_file", pa.string()),
    ("line", pa.int64()),
    ("column", pa.string()),
    ("raw_value", pa.string()),
    ("reason_code", pa.string()),
    ("reason", pa.string()),
    ("record", pa.string()),
])
# Columns a stage's SQL must produce, in order, for `write_part_sql`.
COLUMNS = [f.name for f in SCHEMA]
# One quarantined row as a stage finds it (what write_part_sql adds the dataset, load and stage to)
RECORD = pa.schema(list(SCHEMA)[3:])


def part_path(dataset: str, load_id: str, stage: str) -> Path:
    """Where one stage of a load writes its quarantined rows."""
    return settings().staging / dataset / load_id / f"quarantine-{stage}.parquet"


def final_path(dataset: str, load_id: str) -> Path:
    return settings().quarantine / dataset / f"{load_id}.parquet"


def write_part_records(dataset: str, load_id: str, stage: str, records: list[dict[str, Any]]) -> int:
    """Write Python records (for the few rows found outside SQL) as a stage's quarantine part."""
    rows = [{**{c: None for c in COLUMNS}, **r, "dataset": dataset, "load_id": load_id, "stage": stage}
            for r in records]
    path = part_path(dataset, load_id, stage)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), path)
    return len(rows)


def write_part_sql(con: duckdb.DuckDBPyConnection, dataset: str, load_id: str, stage: str,
                   select_sql: str) -> int:
    """Write the rows of `select_sql` (producing source_file, line, column, raw_value, reason_code,
    reason, record) as a stage's quarantine part; return how many."""
    path = part_path(dataset, load_id, stage)
    path.parent.mkdir(parents=True, exist_ok=True)
    casts = ", ".join(f'CAST({ident(c)} AS {"BIGINT" if c == "line" else "VARCHAR"}) AS {ident(c)}'
                      for c in COLUMNS[3:])
    con.execute(
        f"COPY (SELECT {literal(dataset)} AS dataset, {literal(load_id)} AS load_id,"
        f" {literal(stage)} AS stage, {casts} FROM ({select_sql})) TO {sql_path(path)} (FORMAT parquet)"
    )
    return int(one_row(con, f"SELECT count(*) FROM read_parquet({sql_path(path)})")[0])


def seal(dataset: str, load_id: str) -> tuple[Path, int]:
    """Gather every stage's part of a load into its final quarantine file; return (path, number of
    input rows quarantined). The rows of a refused file are each a `rejected:*` record with its
    line; the one record saying why a file or load was refused (no line) is not a row."""
    parts = sorted((settings().staging / dataset / load_id).glob("quarantine-*.parquet"))
    tables = [pq.read_table(p, schema=SCHEMA) for p in parts]
    table = pa.concat_tables(tables) if tables else SCHEMA.empty_table()
    out = final_path(dataset, load_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    pq.write_table(table, tmp)
    tmp.replace(out)
    whole = pc.and_(pc.starts_with(table.column("reason_code"), "rejected:"),
                    pc.is_null(table.column("line")))
    return out, table.num_rows - int(pc.sum(whole).as_py() or 0)


def read(dataset: str | None = None, load_id: str | None = None) -> pa.Table:
    """Quarantined rows, optionally of one dataset and one load."""
    root = settings().quarantine
    pattern = f"{dataset or '*'}/{load_id or '*'}.parquet"
    files = sorted(root.glob(pattern))
    if not files:
        return SCHEMA.empty_table()
    return pa.concat_tables([pq.read_table(f, schema=SCHEMA) for f in files])
