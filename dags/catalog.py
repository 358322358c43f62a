"""Catalog DAGs: the weekly catalog report, one transforms DAG per model scheduled on the Assets
of its inputs (so a model is rebuilt when an input is published), and the backflow of community
datasets scheduled on their Assets. Thin: every task calls one function of the catalog or
transforms package; nothing heavy is imported at parse time."""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import DAG, AssetAny, task

from contracts.contract import Tier, load_contracts
from shucang.dag_factory import dataset_asset
from transforms.model import Model, load_models

START = pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai")


def report_dag() -> DAG:
    """shucang_catalog_report: every Monday 07:00 (Asia/Shanghai), the weekly catalog report."""
    with DAG(
        "shucang_catalog_report",
        schedule="0 7 * * 1",
        start_date=START,
        catchup=False,
        tags=["shucang", "catalog"],
        doc_md=report_dag.__doc__,
    ) as dag:

        @task
        def write_report() -> dict[str, str]:
            from catalog.report import write_report as write

            return {kind: str(path) for kind, path in write().items()}

        write_report()
    return dag


def model_dag(model: Model) -> DAG:
    """shucang_transform_<id>: rebuild one model when any of its inputs is published."""
    with DAG(
        f"shucang_transform_{model.id}",
        schedule=AssetAny(*(dataset_asset(i) for i in model.inputs)),
        start_date=START,
        catchup=False,
        tags=["shucang", "transforms"],
        doc_md=model.description,
    ) as dag:

        @task(outlets=[dataset_asset(model.id)])
        def run(model_id: str = model.id) -> dict[str, Any]:
            from airflow.sdk.exceptions import AirflowSkipException

            from transforms.runner import run_model

            result = run_model(model_id, only_if_changed=True)
            if result.status == "unchanged":  # a skipped task emits no Asset event downstream
                raise AirflowSkipException(f"{model_id}: inputs unchanged since {result.snapshot_id}")
            return {"model": model_id, "snapshot_id": result.snapshot_id, "rows": result.rows}

        run()
    return dag


def backflow_dag() -> DAG:
    """shucang_backflow: export each community dataset's new snapshot to the upper platform."""
    community = sorted(c.id for c in load_contracts().values() if c.tier == Tier.community)
    with DAG(
        "shucang_backflow",
        schedule=AssetAny(*(dataset_asset(d) for d in community)),
        start_date=START,
        catchup=False,
        tags=["shucang", "backflow"],
        doc_md=backflow_dag.__doc__,
    ) as dag:

        @task
        def export() -> list[dict[str, Any]]:
            from catalog.backflow import run_backflow

            return [
                {
                    "dataset": r.dataset,
                    "status": r.status,
                    "rows": r.rows,
                    "path": str(r.path) if r.path else None,
                }
                for r in run_backflow()
            ]

        export()
    return dag


shucang_catalog_report = report_dag()
shucang_backflow = backflow_dag()
for _model in load_models().values():
    globals()[f"shucang_transform_{_model.id}"] = model_dag(_model)
