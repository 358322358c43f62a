"""Access DAGs: hourly expiry of grants (their artifacts are deleted), and the rebuild of grant
artifacts whenever a granted dataset is republished (scheduled on the published datasets' Assets).
Thin: each task calls one function of the access package; nothing heavy is imported at parse time.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import DAG, Asset, AssetAny, task

from contracts.contract import Sharing, load_contracts
from shucang.dag_factory import dataset_asset

START = pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai")


def _dag(dag_id: str, schedule: Any, doc: str | None) -> DAG:
    return DAG(dag_id, schedule=schedule, start_date=START, catchup=False, max_active_runs=1,
               tags=["shucang", "access"], doc_md=doc)


def expiry_dag() -> DAG:
    """shucang_access_expiry: every hour, expire grants whose period ended (deleting their
    artifacts), then publish the audit log as dataset access_audit."""
    with _dag("shucang_access_expiry", "@hourly", expiry_dag.__doc__) as dag:

        @task
        def expire() -> list[str]:
            from access.workflow import expire_due

            return expire_due()

        @task
        def export_audit() -> dict[str, Any]:
            from access.audit import export_dataset

            manifest = export_dataset()
            return {"snapshot_id": manifest.snapshot_id, "rows": manifest.rows}

        expire() >> export_audit()
    return dag


def rebuild_dag() -> DAG:
    """shucang_access_rebuild: when a requestable dataset is republished, rebuild the artifact of
    every live grant that covers it (from the new snapshot)."""
    requestable = sorted(c.id for c in load_contracts().values() if c.sharing != Sharing.none)
    assets = AssetAny(*(dataset_asset(d) for d in requestable))
    with _dag("shucang_access_rebuild", assets, rebuild_dag.__doc__) as dag:

        @task
        def rebuild(**context: Any) -> dict[str, list[str]]:
            from access.artifacts import rebuild_for_dataset

            events = context.get("triggering_asset_events") or {}
            datasets = sorted({a.name for a in events if isinstance(a, Asset)}) or requestable
            return {d: rebuild_for_dataset(d) for d in datasets}

        rebuild()
    return dag


shucang_access_expiry = expiry_dag()
shucang_access_rebuild = rebuild_dag()
