"""A real Airflow cluster on this machine for the tests: PostgreSQL metadata in a database of its
own, the CeleryExecutor on the local Redis with a queue of its own, and the api-server,
scheduler, dag-processor and one celery worker as subprocesses sharing the environment that
`shucang airflow env` writes. Everything it made is removed afterwards (processes, database,
control-plane schema, queue). The fixture skips, saying why, when PostgreSQL or Redis is absent."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import postgres_url

PG = "postgresql://postgres@127.0.0.1:5432"
REDIS_DB = 13
COMPONENTS = {
    "api-server": ["api-server", "--port", "{port}"],
    "scheduler": ["scheduler"],
    "dag-processor": ["dag-processor"],
    "worker": ["celery", "worker", "--queues", "{queue}", "--concurrency", "2", "--skip-serve-logs"],
}


def redis_reachable() -> bool:
    """Whether Redis answers PING on 127.0.0.1:6379."""
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001 - any failure means: not reachable here
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bin_of(name: str) -> str:
    return str(Path(sys.executable).parent / name)


@dataclass
class Cluster:
    """A running cluster: its environment, its REST API and its processes' logs."""

    env: dict[str, str]
    api: str
    logs: Path
    password: str = ""
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)  # type: ignore[type-arg]
    _token: str = ""

    def start(self) -> None:
        for name, args in COMPONENTS.items():
            argv = [a.format(port=self.api.rsplit(":", 1)[1], queue=self.env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"])
                    for a in args]
            with (self.logs / f"{name}.log").open("wb") as out:
                self.procs[name] = subprocess.Popen([bin_of("airflow"), *argv], env=self.env, stdout=out,
                                                    stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def tail(self, lines: int = 40) -> str:
        """The last lines of every component's log (for assertion messages)."""
        return "\n".join(f"== {p.name}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-lines:])
                         for p in sorted(self.logs.glob("*.log")))

    def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                **kw: Any) -> httpx.Response:
        """A call of the REST API (/api/v2) as the admin user."""
        if not self._token:
            got = httpx.post(f"{self.api}/auth/token", json={"username": "admin", "password": self.password},
                             timeout=60)
            got.raise_for_status()
            self._token = got.json()["access_token"]
        return httpx.request(method, f"{self.api}/api/v2{path}", timeout=60,
                             headers={"Authorization": f"Bearer {self._token}", **(headers or {})}, **kw)

    def wait_for(self, what: str, check: Any, timeout: float, every: float = 3.0) -> Any:
        """Poll `check()` until it returns something truthy; fail with the logs after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    pytest.fail(f"{name} exited ({proc.returncode}) while waiting for {what}\n{self.tail()}")
            try:
                got = check()
            except httpx.HTTPError:
                got = None
            if got:
                return got
            time.sleep(every)
        pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{self.tail()}")

    def run_dag(self, dag_id: str, timeout: float) -> dict[str, Any]:
        """Wait until `dag_id` is parsed, unpause it (which starts its latest scheduled run) and
        wait for that run to end; returns the run."""
        for health in ("/api/v2/monitor/health", "/execution/health"):  # the second wakes the task API
            self.wait_for(f"the api-server's {health}", lambda h=health: httpx.get(
                f"{self.api}{h}", timeout=60).status_code == 200, timeout=timeout)
        self.wait_for(f"{dag_id} to be parsed", lambda: self.request("GET", f"/dags/{dag_id}").status_code == 200,
                      timeout=timeout)
        self.request("PATCH", f"/dags/{dag_id}", json={"is_paused": False}).raise_for_status()

        def finished() -> dict[str, Any] | None:
            runs = self.request("GET", f"/dags/{dag_id}/dagRuns").json()["dag_runs"]
            done = [r for r in runs if r["state"] in ("success", "failed")]
            return done[0] if done else None

        return dict(self.wait_for(f"a run of {dag_id}", finished, timeout=timeout))

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        got = self.request("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", params={"limit": 100})
        got.raise_for_status()
        return list(got.json()["task_instances"])

    def task_log(self, ti: dict[str, Any]) -> list[dict[str, Any]]:
        """The structured lines of a task instance's log, as the UI shows them."""
        path = (f"/dags/{ti['dag_id']}/dagRuns/{ti['dag_run_id']}/taskInstances/{ti['task_id']}"
                f"/logs/{ti['try_number']}")
        got = self.request("GET", path, params={"map_index": ti["map_index"]},
                           headers={"Accept": "application/json"})
        got.raise_for_status()
        return [line for line in got.json()["content"] if isinstance(line, dict)]


def _psql(database: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True, connect_timeout=5) as c:
        c.execute(sql)


@pytest.fixture
def airflow_cluster(home: Path, tmp_path: Path) -> Iterator[Cluster]:
    """A cluster over `home`, configured and initialised (`shucang airflow env` and `init`) but
    not started; stopped and removed afterwards."""
    if postgres_url() is None:
        pytest.skip("PostgreSQL at 127.0.0.1:5432 (db test, trust auth) is not reachable")
    if not redis_reachable():
        pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
    tag = uuid.uuid4().hex[:10]
    database, schema, queue = f"shucang_af_{tag}", f"af_{tag}", f"shucang_test_{tag}"
    _psql("test", f'CREATE SCHEMA "{schema}"')
    control = f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    port = free_port()
    printed = subprocess.run(
        [bin_of("shucang"), "airflow", "env", "--metadata", f"{PG}/{database}",
         "--broker", f"redis://127.0.0.1:6379/{REDIS_DB}", "--api-url", f"http://127.0.0.1:{port}",
         "--queue", queue, "--control-url", control],
        env=os.environ, capture_output=True, text=True, timeout=120, check=True).stdout
    env = dict(os.environ)
    for line in printed.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value.strip("'")
    passwords = home / "airflow" / "passwords.json"
    passwords.parent.mkdir(parents=True, exist_ok=True)
    password = uuid.uuid4().hex
    passwords.write_text(json.dumps({"admin": password}))
    env.update({"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords)})
    logs = tmp_path / "cluster-logs"
    logs.mkdir()
    cluster = Cluster(env=env, api=f"http://127.0.0.1:{port}", logs=logs, password=password)
    try:
        yield cluster
    finally:
        cluster.stop()
        import redis

        broker = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
        for key in broker.scan_iter(match=f"*{queue}*"):  # the queue and kombu's bindings of it
            broker.delete(key)
        _psql("postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        _psql("test", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
