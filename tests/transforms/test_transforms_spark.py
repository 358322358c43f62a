"""Every model on Spark (sqlglot-transpiled, pyspark local mode) against DuckDB on the same
snapshots. One SparkSession for the module; the xdist group keeps the module on one worker."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from foundation.spark import java_available
from transforms.model import load_models, run_order
from transforms.runner import execute, run_models
from transforms.spark_engine import TranspileError, to_spark_sql

pytestmark = [
    pytest.mark.xdist_group("spark"),
    pytest.mark.skipif(not java_available(), reason="Spark needs Java 17 on PATH (not found)"),
]
pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (dev dependency)")

MODELS = run_order(load_models())


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Synthetic inputs and every model's DuckDB build, published once for the module."""
    from tests.support.synthetic_inputs import publish_synthetic

    exports = tmp_path_factory.mktemp("spark") / "exports"
    publish_synthetic(exports)
    run_models(exports=exports)
    with pytest.MonkeyPatch.context() as mp:
        # Many short jobs on small inputs: the quick-JVM profile, read when the session starts.
        mp.setenv("SHUCANG_SPARK_PROFILE", "small")
        yield exports


def _sorted_rows(table: pa.Table, key: list[str]) -> list[dict]:  # type: ignore[type-arg]
    rows = table.to_pylist()
    return sorted(rows, key=lambda r: tuple("" if r[k] is None else str(r[k]) for k in key))


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.011)  # round(x, 2) may differ in the last digit
    return a == b


@pytest.mark.parametrize("model_id", MODELS)
def test_spark_matches_duckdb(model_id: str, snapshots: Path) -> None:
    model = load_models()[model_id]
    duck = execute(model, "duckdb", snapshots)
    spark = execute(model, "spark", snapshots)
    assert spark.schema == duck.schema
    key = list(model.primary_key)
    d_rows, s_rows = _sorted_rows(duck, key), _sorted_rows(spark, key)
    assert len(s_rows) == len(d_rows) > 0
    for d, s in zip(d_rows, s_rows, strict=True):
        diff = {k: (d[k], s[k]) for k in d if not _same(d[k], s[k])}
        assert not diff, f"{model_id} row {[d[k] for k in key]}: duckdb vs spark {diff}"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT list_aggregate([1, 2], 'sum') AS x",
    ],
)
def test_duckdb_only_functions_fail_on_spark_not_silently(sql: str, tmp_path: Path) -> None:
    from transforms.spark_engine import run_spark

    try:
        to_spark_sql(sql)
    except TranspileError:
        return  # refused at transpile time: good
    with pytest.raises(pyspark.errors.exceptions.base.PySparkException):
        run_spark(sql, {})


def test_spark_run_publishes_the_same_schema(snapshots: Path) -> None:
    from transforms.runner import run_model
    from warehouse.manifest import read_manifest

    duck = read_manifest("parking_berth_index", snapshots)
    result = run_model("parking_berth_index", "spark", exports=snapshots)
    spark = read_manifest("parking_berth_index", snapshots)
    assert result.status == "published" and spark.engine == "spark"
    assert spark.rows == duck.rows and spark.columns == duck.columns
    assert spark.lineage == duck.lineage
