"""The embedded Airflow: SQLite metadata under SHUCANG_HOME/airflow, the repository's dags/ folder,
the single-slot publisher pool, and running a tier DAG in-process with `dag.test()` (no scheduler or
server to start). Environment variables are set before Airflow is first imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from foundation.settings import REPO_ROOT, settings


def airflow_environ(home: Path | None = None) -> dict[str, str]:
    """The AIRFLOW_* variables of the embedded setup (also printed for `airflow standalone`)."""
    af = home or settings().airflow_home
    return {
        "AIRFLOW_HOME": str(af),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{af / 'airflow.db'}",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
    }


def configure(home: Path | None = None) -> dict[str, str]:
    """Point this process at the embedded Airflow. Call it before anything imports Airflow."""
    env = airflow_environ(home)
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    return env


def prepare(home: Path | None = None) -> dict[str, str]:
    """Configure the embedded Airflow, migrate its database and create the publisher pool."""
    env = configure(home)
    airflow = [sys.executable, "-m", "airflow"]
    run = {"env": {**os.environ, **env}, "check": True, "capture_output": True, "text": True}
    subprocess.run([*airflow, "db", "migrate"], **run)  # type: ignore[call-overload]
    from shucang.dag_factory import PUBLISH_POOL

    subprocess.run([*airflow, "pools", "set", PUBLISH_POOL, "1",
                    "single warehouse publisher (DuckDB allows one writer)"], **run)  # type: ignore[call-overload]
    return env


def load_tier_dag(tier: str) -> Any:
    """The DAG object `shucang_<tier>`, parsed from dags/tiers.py as the scheduler parses it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("shucang_dags_tiers", REPO_ROOT / "dags" / "tiers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, f"shucang_{tier}")


def run_tier_dag(tier: str) -> dict[str, Any]:
    """Run one tier DAG end to end in this process; return its state and task-instance states."""
    run = load_tier_dag(tier).test()
    tasks = [(ti.task_id, ti.map_index, str(ti.state)) for ti in run.get_task_instances()]
    return {"dag_id": run.dag_id, "state": str(run.state), "tasks": tasks}
