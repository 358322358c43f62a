"""Where Airflow runs and how it is set up: the embedded environment (SQLite metadata under
SHUCANG_HOME/airflow, LocalExecutor, `dag.test()` in-process) and the cluster environment
(PostgreSQL metadata, CeleryExecutor on Redis, api-server, scheduler, dag-processor and workers
sharing one set of variables), the setup both need (`airflow db migrate`, the publisher pool) and
running a tier DAG in-process. Environment variables are set before Airflow is first imported."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from foundation.settings import REPO_ROOT, settings

CONN = "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"
CONN_ASYNC = "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"
PUBLISH_POOL = "shucang_warehouse"
# the pools the DAGs use: name -> (slots, description); created by `shucang airflow init`
POOLS = {PUBLISH_POOL: (1, "single warehouse publisher (DuckDB allows one writer)")}


class AirflowSetupError(RuntimeError):
    """The Airflow environment is incomplete or its metadata database cannot be prepared."""


def airflow_environ(home: Path | None = None) -> dict[str, str]:
    """The AIRFLOW_* variables of the embedded setup (also printed for `airflow standalone`)."""
    af = home or settings().airflow_home
    return {
        "AIRFLOW_HOME": str(af),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        CONN: f"sqlite:///{af / 'airflow.db'}",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
    }



@dataclass(frozen=True)
class MetadataUrls:
    """One PostgreSQL database as the three drivers Airflow needs: the sync SQLAlchemy URL
    (psycopg 3), the async one the api-server and scheduler use (psycopg 3 in async mode, so no
    asyncpg), and Celery's result backend (SQLAlchemy through `db+`)."""

    sync: str
    async_: str
    result_backend: str


def metadata_urls(url: str) -> MetadataUrls:
    """The URLs of PostgreSQL database `url` (postgresql://, postgres:// or postgresql+<driver>://)."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme not in ("postgresql", "postgres"):
        raise AirflowSetupError(f"the cluster's Airflow metadata lives on PostgreSQL; got {parts.scheme}://")

    def driver(name: str) -> str:
        return urlunsplit((f"postgresql+{name}", *parts[1:]))

    sync = driver("psycopg")
    return MetadataUrls(sync=sync, async_=driver("psycopg_async"), result_backend=f"db+{sync}")


def _fernet_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def cluster_environ(metadata_url: str, broker_url: str, api_url: str, *, queue: str = "default",
                    home: Path | None = None, control_url: str | None = None) -> dict[str, str]:
    """Every variable the processes of a Celery cluster must share: Airflow's (metadata on
    PostgreSQL, broker, api-server URL, the secrets every component signs with, the queue) and
    shucang's (SHUCANG_HOME and the control plane). Secrets are drawn anew: write the result to
    one file once and source that file in every process."""
    s = settings()
    af = home or s.airflow_home
    urls = metadata_urls(metadata_url)
    api = api_url.rstrip("/")
    return {
        "SHUCANG_HOME": str(s.home),
        "SHUCANG_CONTROL_URL": control_url or s.control_url,
        "AIRFLOW_HOME": str(af),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        CONN: urls.sync,
        CONN_ASYNC: urls.async_,
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": urls.result_backend,
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
        "AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS": "shucang.celery_config.CELERY_CONFIG",
        "AIRFLOW__API__BASE_URL": api,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api}/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__CORE__FERNET_KEY": _fernet_key(),
    }


def configure(home: Path | None = None) -> dict[str, str]:
    """Point this process at the embedded Airflow. Call it before anything imports Airflow."""
    env = airflow_environ(home)
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    return env


def check_environ(env: dict[str, str]) -> None:
    """Refuse an environment that starts but cannot run: PostgreSQL metadata without the async URL
    (the api-server and scheduler would look for asyncpg), Celery without a broker."""
    conn = env.get(CONN, "")
    if conn.startswith(("postgresql", "postgres")) and not env.get(CONN_ASYNC):
        raise AirflowSetupError(
            f"{CONN} is on PostgreSQL but {CONN_ASYNC} is not set (Airflow would then ask for"
            f" asyncpg): set it to {metadata_urls(conn).async_}, or write the whole environment with"
            " `shucang airflow env`")
    if env.get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor" and not env.get("AIRFLOW__CELERY__BROKER_URL"):
        raise AirflowSetupError("the CeleryExecutor needs AIRFLOW__CELERY__BROKER_URL (e.g. redis://127.0.0.1:6379/0)")


def ensure_database(conn: str) -> bool:
    """Create the PostgreSQL database `conn` names when it does not exist; True if it was created."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(conn)
    name = parts.path.lstrip("/")
    server = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as c:
            if c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                return False
            c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    except psycopg.Error as e:
        raise AirflowSetupError(f"cannot prepare the Airflow metadata database {name!r} on"
                                f" {parts.hostname}:{parts.port or 5432}: {e}") from e


def _airflow(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "airflow", *args], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise AirflowSetupError(f"airflow {' '.join(args)} failed:\n{(done.stderr or done.stdout)[-2000:]}")
    return done.stdout


def initialize(env: dict[str, str]) -> list[str]:
    """Prepare the Airflow of `env` for the DAGs: its PostgreSQL database created if missing, the
    metadata migrated, the pools set. Returns what was done, one line each. Idempotent."""
    check_environ(env)
    Path(env.get("AIRFLOW_HOME", settings().airflow_home)).mkdir(parents=True, exist_ok=True)
    done = []
    conn = env.get(CONN, "")
    if conn.startswith(("postgresql", "postgres")) and ensure_database(metadata_urls(conn).sync):
        done.append(f"created database {urlsplit(conn).path.lstrip('/')}")
    _airflow(env, "db", "migrate")
    done.append(f"migrated the metadata database ({urlsplit(conn).scheme})")
    for pool, (slots, description) in POOLS.items():
        _airflow(env, "pools", "set", pool, str(slots), description)
        done.append(f"pool {pool}: {slots} slot(s)")
    return done


def prepare(home: Path | None = None) -> dict[str, str]:
    """Configure the embedded Airflow, migrate its database and create the pools."""
    env = configure(home)
    initialize({**os.environ, **env})
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
