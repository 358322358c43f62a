"""The scale-out engine: transpiles a model's DuckDB SQL to Spark SQL with sqlglot and runs it on
Apache Spark over the same Parquet snapshots. Transpiling without error proves nothing (sqlglot
passes some DuckDB-only functions through), which is why tests run every model here and compare
with DuckDB. pyspark is imported only when this engine is used."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import sqlglot
from sqlglot.errors import ErrorLevel, SqlglotError

from foundation.spark import spark_session
from warehouse.manifest import Manifest, dataset_dir

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


class TranspileError(ValueError):
    """A model's DuckDB SQL has no Spark SQL equivalent that sqlglot can produce."""


def to_spark_sql(sql: str, where: str = "model") -> str:
    """`sql` (DuckDB dialect) as Spark SQL; TranspileError names the model on failure."""
    try:
        out = sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE)
    except SqlglotError as e:
        raise TranspileError(f"{where}: cannot transpile to Spark SQL: {e}") from e
    if len(out) != 1:
        raise TranspileError(f"{where}: a model is one statement, found {len(out)}")
    return out[0]


def snapshot_frame(spark: SparkSession, manifest: Manifest, exports: Path | None = None) -> DataFrame:
    """The live rows of a published snapshot as a Spark DataFrame: its data files, each without
    the row positions its delete file lists (Parquet's `_metadata.row_index`)."""
    base = dataset_dir(manifest.dataset, exports)
    whole = [str(base / f.path) for f in manifest.files if f.deletes is None]
    frames = [spark.read.parquet(*whole)] if whole else []
    for f in manifest.files:
        if f.deletes is not None:
            gone = spark.read.parquet(str(base / f.deletes.path)).selectExpr("pos AS _pos")
            data = spark.read.parquet(str(base / f.path)).selectExpr("*", "_metadata.row_index AS _pos")
            frames.append(data.join(gone, "_pos", "left_anti").drop("_pos"))
    if not frames:
        return spark.createDataFrame([], ", ".join(f"`{c.name}` string" for c in manifest.columns))
    return functools.reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)


def run_spark(sql: str, inputs: dict[str, Manifest], where: str = "model",
              exports: Path | None = None) -> pa.Table:
    """Run `sql` (DuckDB dialect) on Spark over `inputs` (name -> its current manifest)."""
    spark = spark_session()
    spark_sql = to_spark_sql(sql, where)
    for name, manifest in inputs.items():
        snapshot_frame(spark, manifest, exports).createOrReplaceTempView(name)
    return normalize_arrow(spark.sql(spark_sql).toArrow())


def normalize_arrow(table: pa.Table) -> pa.Table:
    """Spark's result with DuckDB's types: decimals as double, 32-bit ints as 64-bit, timestamps
    as naive microseconds (UTC), so a model publishes the same schema on either engine."""
    fields = []
    for f in table.schema:
        t = f.type
        if pa.types.is_decimal(t):
            t = pa.float64()
        elif pa.types.is_integer(t) and t.bit_width < 64:
            t = pa.int64()
        elif pa.types.is_timestamp(t):
            t = pa.timestamp("us")
        fields.append(pa.field(f.name, t))
    return table.cast(pa.schema(fields))
