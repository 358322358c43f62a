"""Builds the four tier DAGs from the contracts: a mapped task group per dataset of the tier running
land -> stage -> address -> validate -> publish. Parsing a DAG file does no I/O: which datasets a
tier has is read by the first task at run time, so adding a contract needs no DAG code. A broken
contract is one broken feed: the valid ones load, and the task `contracts` fails naming its file
and field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pendulum
from airflow.sdk import DAG, Asset, AssetAlias, task, task_group

from shucang.airflow_env import PUBLISH_POOL

TIER_SCHEDULES = {
    "province": "@daily",
    "city": "*/15 * * * *",
    "district": "@hourly",
    "community": "@daily",
}
# a mapped task is labelled by its dataset, read from its argument: the dataset id (land) or the
# load reference {dataset, load_id} of the step before
DATASET_LABEL = "{{ task.op_args[0].dataset if task.op_args[0] is mapping else task.op_args[0] }}"
DEFAULT_ARGS = {
    "owner": "shucang",
    "retries": 3,
    "retry_delay": dt.timedelta(seconds=20),
    "retry_exponential_backoff": True,
    "max_retry_delay": dt.timedelta(minutes=10),
}


def dataset_asset(dataset: str) -> Asset:
    """The Airflow Asset a published dataset emits (downstream DAGs schedule on it)."""
    return Asset(name=dataset, uri=f"shucang://dataset/{dataset}", group="shucang")


def tier_alias(tier: str) -> AssetAlias:
    return AssetAlias(f"shucang-{tier}")


def _run(step_name: str, ref: Any) -> Any:
    """Call a pipeline step, mapping its outcomes onto Airflow's: nothing new -> skipped, bad input
    -> failed without retry (the same bytes will fail again), anything else -> retried."""
    from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

    from feeds.errors import LoadRejected
    from shucang import pipeline

    try:
        out = getattr(pipeline, step_name)(ref)
    except LoadRejected as e:
        raise AirflowFailException(f"{e.reason_code}: {e.message}") from e
    if out is None:
        raise AirflowSkipException("nothing new to load")
    return out


def _step(step: str) -> Callable[[Any], Any]:
    """The task callable for a pipeline step that takes and returns a load reference."""

    def run(ref: Any) -> Any:
        return _run(f"{step}_step", ref)

    run.__name__ = step
    return run


def build_tier_dag(tier: str) -> DAG:
    """The DAG `shucang_<tier>` loading every dataset whose contract names this tier."""
    with DAG(
        dag_id=f"shucang_{tier}",
        description=f"Load every {tier}-tier feed: land, stage, address, validate, publish",
        schedule=TIER_SCHEDULES[tier],
        start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai"),
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["shucang", tier],
    ) as dag:

        @task
        def datasets() -> list[str]:
            """The ids of this tier's valid contracts."""
            from contracts.contract import contracts_for_tier

            return [c.id for c in contracts_for_tier(tier)]

        @task(task_id="contracts", retries=0)
        def check_contracts() -> int:
            """Fail, naming each file and field, when a contract that may belong to this tier is
            broken; the tier's valid feeds load all the same. Returns how many are valid."""
            from airflow.sdk.exceptions import AirflowFailException

            from contracts.contract import read_contracts

            loaded = read_contracts()
            problems = loaded.problems_of_tier(tier)
            if problems:
                raise AirflowFailException("broken contract(s), left out of this run: "
                                           + "; ".join(str(p) for p in problems))
            return sum(c.tier == tier for c in loaded.contracts.values())

        @task_group
        def feed(dataset: str) -> None:
            ref: Any = dataset
            for step in ("land", "stage", "address", "validate"):
                ref = task(task_id=step, map_index_template=DATASET_LABEL)(_step(step))(ref)

            @task(pool=PUBLISH_POOL, outlets=[tier_alias(tier)], map_index_template=DATASET_LABEL)
            def publish(ref: dict, *, outlet_events: Any = None) -> dict:
                out = _run("publish_step", ref)
                outlet_events[tier_alias(tier)].add(dataset_asset(out["dataset"]),
                                                   extra={"load_id": out["load_id"]})
                return out

            publish(ref)

        feed.expand(dataset=datasets())
        check_contracts()
    return dag
