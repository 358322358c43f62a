"""The access DAG file parses, schedules expiry hourly and the rebuild on the published datasets'
Assets, and its task callables do the work (expire a due grant; rebuild from the triggering
dataset's new snapshot)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from access_world import household_rows, publish
from sqlalchemy import update

from access import artifacts, workflow
from access.models import grants
from control.db import engine
from warehouse.manifest import read_manifest

DAG_FILE = Path(__file__).resolve().parents[2] / "dags" / "access.py"


@pytest.fixture(scope="module")
def dags() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shucang_access_dags", DAG_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dag_shapes(dags: ModuleType) -> None:
    assert dags.shucang_access_expiry.schedule == "@hourly"
    names = {a.name for a in dags.shucang_access_rebuild.timetable.asset_condition.objects}
    assert {"household_register", "grid_event"} <= names


def test_expiry_task_expires_due_grants(dags: ModuleType, granted: str) -> None:
    with engine().begin() as c:
        c.execute(
            update(grants)
            .where(grants.c.grant_id == granted)
            .values(valid_to=workflow.now() - dt.timedelta(minutes=1))
        )
    expire = dags.shucang_access_expiry.get_task("expire").python_callable
    assert expire() == [granted]
    assert not artifacts.grant_dir(granted).exists()
    export = dags.shucang_access_expiry.get_task("export_audit").python_callable
    assert export()["rows"] == 0  # nothing was read under the grant
    assert export()["snapshot_id"] == read_manifest("access_audit")["snapshot_id"]


def test_rebuild_task_uses_the_triggering_asset(dags: ModuleType, granted: str) -> None:
    from airflow.sdk import Asset

    publish("household_register", household_rows(30), snapshot_id="S9")
    rebuild = dags.shucang_access_rebuild.get_task("rebuild").python_callable
    event_key = Asset(name="household_register", uri="shucang://dataset/household_register")
    assert rebuild(triggering_asset_events={event_key: []}) == {"household_register": [granted]}
    manifest = artifacts.verified_manifest(granted)
    assert manifest["datasets"]["household_register"]["source_snapshot"] == "S9"
