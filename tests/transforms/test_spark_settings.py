"""The Spark session is configured from SHUCANG_SPARK_* settings, not hard-coded: master, driver
and executor memory, the SQL warehouse folder, and the profile's settings on top."""

from __future__ import annotations

from pathlib import Path

import pytest

from foundation.spark import PROFILES, SparkUnavailableError, session_config


def test_defaults_use_every_local_core_and_a_warehouse_under_home(home: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MASTER", "DRIVER_MEMORY", "EXECUTOR_MEMORY", "WAREHOUSE", "PROFILE"):
        monkeypatch.delenv(f"SHUCANG_SPARK_{name}", raising=False)
    master, conf = session_config()
    assert master == "local[*]"
    assert conf["spark.driver.memory"] == "4g"
    assert "spark.executor.memory" not in conf
    assert conf["spark.sql.warehouse.dir"] == str(home / "spark-warehouse")
    assert conf["spark.sql.shuffle.partitions"] == PROFILES["large"]["spark.sql.shuffle.partitions"]


def test_a_cluster_master_and_memory_come_from_settings(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_SPARK_MASTER", "spark://spark-master:7077")
    monkeypatch.setenv("SHUCANG_SPARK_DRIVER_MEMORY", "2g")
    monkeypatch.setenv("SHUCANG_SPARK_EXECUTOR_MEMORY", "16g")
    monkeypatch.setenv("SHUCANG_SPARK_WAREHOUSE", "s3a://city-lake/spark")
    monkeypatch.setenv("SHUCANG_SPARK_PROFILE", "small")
    master, conf = session_config()
    assert master == "spark://spark-master:7077"
    assert (conf["spark.driver.memory"], conf["spark.executor.memory"]) == ("2g", "16g")
    assert conf["spark.sql.warehouse.dir"] == "s3a://city-lake/spark"
    assert conf["spark.sql.adaptive.enabled"] == "false"


def test_an_unknown_profile_is_named(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_SPARK_PROFILE", "huge")
    with pytest.raises(SparkUnavailableError, match="huge"):
        session_config()
