"""Celery settings of a shucang worker (`AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS`): Airflow's
defaults plus the modules the pipeline's tasks import, loaded once when the worker starts. Every
task process is forked from the worker, so it starts with them: a small load's `validate` pays
for validating, not for importing great_expectations, DuckDB and the address matcher again. A worker
therefore runs the code it started with: restart workers after deploying new code."""

from __future__ import annotations

from typing import Any

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

TASK_MODULES = ("shucang.dag_factory", "shucang.pipeline", "address_registry.attach", "quality.validate")
CELERY_CONFIG: dict[str, Any] = {**DEFAULT_CELERY_CONFIG, "imports": TASK_MODULES}
