"""The access DAG file parses, schedules expiry hourly and the rebuild on the published datasets'
Assets, and its task callables do the work (expire a due grant; rebuild from the triggering
dataset's new snapshot)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import update

from access import artifacts, workflow
from access.models import grants
from control.db import engine
from tests.support.access_world import household_rows, publish
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
    assert export()["snapshot_id"] == read_manifest("access_audit").snapshot_id


def test_rebuild_task_uses_the_triggering_asset(dags: ModuleType, granted: str) -> None:
    from airflow.sdk import Asset

    republished = publish("household_register", household_rows(30)).snapshot_id
    rebuild = dags.shucang_access_rebuild.get_task("rebuild").python_callable
    event_key = Asset(name="household_register", uri="shucang://dataset/household_register")
    assert rebuild(triggering_asset_events={event_key: []}) == {"household_register": [granted]}
    manifest = artifacts.verified_manifest(granted)
    assert manifest["datasets"]["household_register"]["source_snapshot"] == republished


RUN_EXPIRY_DAG = """
import datetime as dt, importlib.util, json, sys
from shucang import airflow_env
airflow_env.prepare()
from tests.support import access_world
from sqlalchemy import update
from access import workflow
from access.db import engine
from access.models import grants
access_world.build_city()
grant = access_world.grant_through(access_world.household_scope())
with engine().begin() as c:
    c.execute(update(grants).values(valid_to=workflow.now() - dt.timedelta(minutes=1)))
spec = importlib.util.spec_from_file_location("access_dags", {dag_file!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
run = module.shucang_access_expiry.test()
print(json.dumps({{"state": str(run.state), "grant": grant,
                  "status": workflow.get_grant(grant)["status"],
                  "tasks": sorted((ti.task_id, str(ti.state)) for ti in run.get_task_instances())}}))
"""


def test_expiry_dag_runs_on_embedded_airflow(tmp_path: Path) -> None:
    """dags/access.py through Airflow's own dag.test() in a subprocess (Airflow reads its
    configuration once per process), as `make demo` runs the tier DAGs; its own AIRFLOW_HOME
    under tmp_path, so it needs no xdist group."""
    home = tmp_path / "home"
    env = {**os.environ, "SHUCANG_HOME": str(home), "SHUCANG_FEEDS": str(home / "feeds")}
    env.pop("SHUCANG_CONTROL_URL", None)
    script = RUN_EXPIRY_DAG.format(dag_file=str(DAG_FILE))
    done = subprocess.run(  # python -c puts its working folder, the repository, on sys.path
        [sys.executable, "-c", script], env=env, text=True, capture_output=True, timeout=600,
        cwd=DAG_FILE.parents[1],
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["state"] == "success" and result["status"] == "expired"
    assert result["tasks"] == [["expire", "success"], ["export_audit", "success"]]
    assert not (home / "grants" / result["grant"]).exists()
    assert (home / "exports" / "access_audit" / "manifest.json").exists()
