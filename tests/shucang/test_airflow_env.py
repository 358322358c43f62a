"""The environments `shucang airflow env` and `init` work with: one PostgreSQL database as the
three URLs Airflow needs (no asyncpg), every variable a Celery cluster must share, and the
refusal of an environment that would start but not run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shucang.airflow_cli import airflow_group
from shucang.airflow_env import (
    CONN,
    CONN_ASYNC,
    AirflowSetupError,
    check_environ,
    cluster_environ,
    metadata_urls,
)

URLS = [
    ("postgresql://postgres@127.0.0.1:5432/airflow", "postgresql+psycopg://postgres@127.0.0.1:5432/airflow"),
    ("postgres://u:p%40ss@db.city.local/af?sslmode=require", "postgresql+psycopg://u:p%40ss@db.city.local/af?sslmode=require"),
    ("postgresql+psycopg2://u@h/af", "postgresql+psycopg://u@h/af"),
    ("postgresql+asyncpg://u@h:6432/af", "postgresql+psycopg://u@h:6432/af"),
]


@pytest.mark.parametrize(("given", "sync"), URLS)
def test_one_database_as_the_three_urls_airflow_needs(given: str, sync: str) -> None:
    urls = metadata_urls(given)
    assert urls.sync == sync
    assert urls.async_ == sync.replace("+psycopg://", "+psycopg_async://")
    assert urls.result_backend == f"db+{sync}"


@pytest.mark.parametrize("url", ["sqlite:////tmp/airflow.db", "mysql://root@127.0.0.1/af", "redis://x"])
def test_the_cluster_metadata_is_on_postgresql(url: str) -> None:
    with pytest.raises(AirflowSetupError, match="PostgreSQL"):
        metadata_urls(url)


def test_the_cluster_environment_names_everything_shared(home: Path) -> None:
    env = cluster_environ("postgresql://postgres@127.0.0.1/af", "redis://127.0.0.1:6379/3",
                          "http://scheduler.city.local:8080/", queue="district",
                          control_url="postgresql+psycopg://postgres@127.0.0.1/shucang")
    assert env["SHUCANG_HOME"] == str(home)
    assert env["SHUCANG_CONTROL_URL"] == "postgresql+psycopg://postgres@127.0.0.1/shucang"
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env[CONN_ASYNC] == "postgresql+psycopg_async://postgres@127.0.0.1/af"
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:6379/3"
    assert env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"] == "district"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://scheduler.city.local:8080/execution/"
    assert env["AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS"] == "shucang.celery_config.CELERY_CONFIG"
    again = cluster_environ("postgresql://postgres@127.0.0.1/af", "redis://127.0.0.1:6379/3", "http://h:8080")
    for secret in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__FERNET_KEY"):
        assert len(env[secret]) >= 32 and env[secret] != again[secret], secret


@pytest.mark.parametrize(("env", "message"), [
    ({CONN: "postgresql+psycopg://u@h/af"}, CONN_ASYNC),
    ({CONN: "sqlite:////tmp/a.db", "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor"}, "BROKER_URL"),
])
def test_an_environment_that_cannot_run_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(AirflowSetupError, match=message):
        check_environ(env)


def test_init_names_the_missing_async_url_instead_of_asking_for_asyncpg(home: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONN, "postgresql+psycopg://postgres@127.0.0.1:5432/nowhere")
    monkeypatch.delenv(CONN_ASYNC, raising=False)
    out = CliRunner().invoke(airflow_group, ["init"])
    assert out.exit_code == 1
    assert "postgresql+psycopg_async://postgres@127.0.0.1:5432/nowhere" in out.output


def test_env_prints_lines_a_shell_can_source(home: Path) -> None:
    out = CliRunner().invoke(airflow_group, ["env", "--metadata", "postgresql://postgres@127.0.0.1/af"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert all(line.startswith("export AIRFLOW") or line.startswith("export SHUCANG_") for line in lines)
    assert f"export {CONN}=postgresql+psycopg://postgres@127.0.0.1/af" in lines
