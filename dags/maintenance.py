"""Maintenance DAG: every hour, the published datasets' small data files compacted (each under its
dataset's lease, so never between the steps of a load; a busy dataset waits for the next run).
Thin: the task calls one function of shucang.upkeep; nothing heavy is imported at parse time."""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, task

START = pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai")
SCHEDULE = "@hourly"


def maintenance_dag() -> DAG:
    """shucang_maintenance: every hour, compact each published dataset that needs it; the task log
    has a line per dataset (compacted with its files before and after, unchanged, busy, failed) and
    the task fails, after doing the others, if any dataset failed."""
    with DAG("shucang_maintenance", schedule=SCHEDULE, start_date=START, catchup=False,
             max_active_runs=1, tags=["shucang", "maintenance"], doc_md=maintenance_dag.__doc__) as dag:

        @task
        def compact() -> list[dict[str, str]]:
            from shucang.upkeep import compact_published, raise_failures

            done = compact_published()
            raise_failures(done)
            return [{"dataset": u.dataset, "status": u.status, "detail": u.detail} for u in done]

        compact()
    return dag


shucang_maintenance = maintenance_dag()
