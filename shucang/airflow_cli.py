"""`shucang airflow ...`: prepare an Airflow for the DAGs (`init`) and write the environment every
process of a CeleryExecutor cluster shares (`env`). See docs/deploy.md."""

from __future__ import annotations

import os
import shlex

import click

from shucang.airflow_env import AirflowSetupError, airflow_environ, cluster_environ, initialize
from shucang.commands import console, fail


@click.group("airflow")
def airflow_group() -> None:
    """Airflow for the shucang DAGs: embedded (SQLite) or a Celery cluster on PostgreSQL and Redis."""


@airflow_group.command("init")
def airflow_init() -> None:
    """Prepare the Airflow this environment names (AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, else the
    embedded SQLite one): create its PostgreSQL database if missing, `airflow db migrate`, and set
    the pools the DAGs use. Safe to run again."""
    env = dict(os.environ)
    if "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" not in env:
        env.update(airflow_environ())
    try:
        for line in initialize(env):
            console.print(line, highlight=False)
    except AirflowSetupError as e:
        fail(str(e))


@airflow_group.command("env")
@click.option("--metadata", required=True, metavar="URL",
              help="PostgreSQL database of Airflow's metadata, e.g. postgresql://postgres@127.0.0.1:5432/airflow")
@click.option("--broker", default="redis://127.0.0.1:6379/0", show_default=True, metavar="URL",
              help="Celery broker.")
@click.option("--api-url", default="http://127.0.0.1:8080", show_default=True, metavar="URL",
              help="Where the api-server listens; workers report task state there.")
@click.option("--queue", default="default", show_default=True, help="Celery queue the tasks go to.")
@click.option("--control-url", default=None, metavar="URL",
              help="SQLAlchemy URL of shucang's control plane (default: SHUCANG_CONTROL_URL).")
def airflow_env(metadata: str, broker: str, api_url: str, queue: str, control_url: str | None) -> None:
    """Print, as `export` lines, every variable the api-server, scheduler, dag-processor and
    workers must share (secrets included, drawn anew). Write it once to a file and source that
    file in every process: `shucang airflow env --metadata URL > airflow.env`."""
    try:
        env = cluster_environ(metadata, broker, api_url, queue=queue, control_url=control_url)
    except AirflowSetupError as e:
        fail(str(e))
        return
    for key, value in env.items():
        click.echo(f"export {key}={shlex.quote(value)}")
