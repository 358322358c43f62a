"""The Spark session every Spark job of the house runs in (the derived models of transforms/, the
load path of `engine: spark` feeds): its master, memory and warehouse folder from SHUCANG_SPARK_*,
one per process. pyspark is imported only when a session is asked for."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from foundation import settings as config

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


# Session settings by profile, chosen with SHUCANG_SPARK_PROFILE (default "large").
# "small" is for many short jobs on small inputs (tests, demos): the client compiler alone warms
# up in seconds where C2 needs minutes, and adaptive re-planning and whole-stage code generation
# (Janino compiles per query) cost more than they save. "large" keeps Spark's defaults for that.
PROFILES: dict[str, dict[str, str]] = {
    "large": {
        "spark.sql.shuffle.partitions": "8",
        "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
    },
    "small": {
        "spark.sql.shuffle.partitions": "2",
        "spark.sql.adaptive.enabled": "false",
        "spark.sql.codegen.wholeStage": "false",
        "spark.driver.extraJavaOptions": "-Duser.timezone=UTC -XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    },
}


class SparkUnavailableError(RuntimeError):
    """pyspark or a Java runtime is missing, so the Spark engine cannot start."""


def java_available() -> bool:
    """Whether a `java` executable is on PATH (Spark's local mode needs one)."""
    return shutil.which("java") is not None


def session_config() -> tuple[str, dict[str, str]]:
    """The Spark master and session settings from SHUCANG_SPARK_* (master, memory, warehouse
    folder, profile): local[*] by default, spark://, yarn or k8s:// in production."""
    profile = config.value("SHUCANG_SPARK_PROFILE") or "large"
    if profile not in PROFILES:
        raise SparkUnavailableError(f"SHUCANG_SPARK_PROFILE={profile!r}; choose one of {', '.join(PROFILES)}")
    warehouse = config.value("SHUCANG_SPARK_WAREHOUSE") or str(config.settings().home / "spark-warehouse")
    conf = {
        "spark.app.name": "shucang",
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": config.value("SHUCANG_SPARK_DRIVER_MEMORY") or "4g",
        "spark.sql.warehouse.dir": warehouse,
        # Spark 4 reads CSV in the UTF encodings only unless every Java charset is allowed (GB18030)
        "spark.sql.legacy.javaCharsets": "true",
        # a load's executors run one DuckDB query per Arrow batch: 100,000 rows a batch, not Spark's
        # 10,000, spend a quarter less time on the typing of 1M rows (planning is per batch)
        "spark.sql.execution.arrow.maxRecordsPerBatch": "100000",
        **PROFILES[profile],
    }
    executor_memory = config.value("SHUCANG_SPARK_EXECUTOR_MEMORY")
    if executor_memory:
        conf["spark.executor.memory"] = executor_memory
    return config.value("SHUCANG_SPARK_MASTER") or "local[*]", conf


@functools.cache
def spark_session() -> SparkSession:
    """One SparkSession per process on the configured master, in UTC, without the web UI."""
    if not java_available():
        raise SparkUnavailableError("the Spark engine needs Java 17 on PATH (apt-get install openjdk-17-jre)")
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise SparkUnavailableError("the Spark engine needs pyspark (uv sync installs it)") from e
    master, conf = session_config()
    builder = SparkSession.builder.master(master)
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def spark_schema(schema: pa.Schema) -> str:
    """`schema` as the DDL a mapInArrow declares (naive timestamps as TIMESTAMP_NTZ)."""
    from pyspark.sql.pandas.types import from_arrow_type

    return ", ".join(f"`{f.name.replace('`', '``')}` {from_arrow_type(f.type, True).simpleString()}"
                     for f in schema)


def duck_batches(con: duckdb.DuckDBPyConnection, sql: str, schema: pa.Schema,
                 batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side of a mapInArrow: run `sql` over each batch (as the table `rows`) on `con`,
    yield the result in `schema`; `con` is closed at the end. The DuckDB path's SQL runs so on
    Spark's executors, batch by batch."""
    try:
        for batch in batches:
            con.register("rows", pa.Table.from_batches([batch]))
            yield from con.execute(sql).to_arrow_table().cast(schema).to_batches()
            con.unregister("rows")
    finally:
        con.close()


def write_parts(df: DataFrame, folder: Path) -> Path:
    """Write `df` as Parquet part files under `folder` (replacing it); return their glob."""
    shutil.rmtree(folder, ignore_errors=True)
    df.write.parquet(str(folder))
    return folder / "*.parquet"
