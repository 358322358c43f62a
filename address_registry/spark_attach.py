"""The address step on Spark (`engine: spark` loads): the distinct address strings of the staged
rows are matched on the executors, a batch at a time, by `match.match_many` (the native matcher
where it is built, the Python reference otherwise), each executor reading the registry version
in use from the SHUCANG_* settings the driver hands it; Spark joins the codes back onto every row.
It writes the files `attach.attach_addresses` writes, with the same rows and quarantine reasons."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from address_registry.attach import AddressedLoad, unresolved_select
from address_registry.matcher import SCHEMA
from contracts.contract import Contract
from foundation import faults
from foundation.spark import duck_batches, spark_schema, spark_session, write_parts
from foundation.sql import path as sql_path
from warehouse import quarantine
from warehouse.parts import gather
from warehouse.publish import kept_columns, published_columns

# the match columns as joined onto staged rows: the two a contract column could be called too are
# renamed
MATCHED = pa.schema([pa.field({"address": "_address", "reason": "_reason"}.get(f.name, f.name), f.type)
                     for f in SCHEMA])


def _match(env: dict[str, str], batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: match each batch of distinct strings against the registry of `env`'s home."""
    os.environ.update(env)  # the registry, its aliases and the review queue of the driver's home
    from address_registry.match import match_many

    for batch in batches:
        yield from match_many(batch.column(0)).rename_columns(MATCHED.names).cast(MATCHED).to_batches()


def _unresolved(contract: Contract, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: the quarantine rows of staged rows (with the match's `_reason`) left unresolved."""
    join = ("FROM (SELECT * EXCLUDE (_reason) FROM rows) s POSITIONAL JOIN"
            " (SELECT _reason AS reason, 'none' AS match_level FROM rows) m")
    return duck_batches(duckdb.connect(), unresolved_select(contract, join), quarantine.RECORD, batches)


def attach_on_spark(contract: Contract, load_id: str, staged: Path, work: Path) -> AddressedLoad:
    """Match the contract's address column of `staged` on Spark and write, under `work`,
    addresses.parquet, addressed.parquet and unresolved_rows.parquet as attach_addresses does."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    if contract.address is None:
        raise ValueError(f"{contract.id} has no address column to match")
    spark = spark_session()
    env = {k: v for k, v in os.environ.items() if k.startswith("SHUCANG_")}
    column = contract.address.column
    rows = spark.read.parquet(str(staged))
    names = rows.columns
    distinct = rows.select(F.col(f"`{column}`")).where(F.col(f"`{column}`").isNotNull()).distinct()
    matches = distinct.mapInArrow(functools.partial(_match, env), spark_schema(MATCHED)).cache()
    # written three times below (quarantine, addressed rows, unresolved ids): joined once
    joined = rows.join(matches, rows[f"`{column}`"] == matches["_address"], "left").persist(
        StorageLevel.MEMORY_AND_DISK)
    unresolved = joined.where(F.col("match_level") == "none")
    parts = work / "spark"
    gather(write_parts(matches, parts / "addresses"), work / "addresses.parquet", MATCHED.names)
    held = unresolved.select(*[F.col(f"`{n}`") for n in names], "_reason").mapInArrow(
        functools.partial(_unresolved, contract), spark_schema(quarantine.RECORD))
    found = write_parts(held, parts / "quarantine_address")
    with duckdb.connect() as con:
        quarantine.write_part_sql(con, contract.id, load_id, "address",
                                  f"SELECT * FROM read_parquet({sql_path(found)})")
    faults.point("address.spark_quarantined")  # the matches and held rows written, not the rest
    cols = published_columns(contract, kept_columns(contract, staged))
    addressed, unresolved_rows = work / "addressed.parquet", work / "unresolved_rows.parquet"
    gather(write_parts(joined.select(*[F.col(f"`{c}`") for c in cols]), parts / "addressed"), addressed, cols)
    gather(write_parts(unresolved.select("_row"), parts / "unresolved"), unresolved_rows, ["_row"])
    joined.unpersist()
    matches.unpersist()
    with duckdb.connect() as con:
        count = con.execute(f"SELECT count(*) FROM read_parquet({sql_path(unresolved_rows)})").fetchone()
    return AddressedLoad(addressed, unresolved_rows, int(count[0]) if count else 0)
