"""The catalog DAG file: which DAGs it defines, what they are scheduled on, and that the
report task body runs without Airflow."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

DAG_FILE = Path(__file__).resolve().parents[2] / "dags" / "catalog.py"


@pytest.fixture(scope="module")
def dags():  # type: ignore[no-untyped-def]
    pytest.importorskip("airflow.sdk", reason="Airflow is not installed")
    spec = importlib.util.spec_from_file_location("shucang_dags_catalog", DAG_FILE)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    from airflow.sdk import DAG

    return {v.dag_id: v for v in vars(mod).values() if isinstance(v, DAG)}


def _asset_names(schedule) -> set[str]:  # type: ignore[no-untyped-def]
    return {a.name for a in schedule.objects}


def test_dag_ids(dags) -> None:  # type: ignore[no-untyped-def]
    assert set(dags) == {
        "shucang_catalog_report",
        "shucang_backflow",
        "shucang_transform_parking_berth_index",
        "shucang_transform_parking_tidal_spare",
        "shucang_transform_grid_event_closure",
        "shucang_transform_community_operation_index",
    }


@pytest.mark.parametrize(
    ("dag_id", "assets"),
    [
        ("shucang_transform_grid_event_closure", {"grid_event"}),
        (
            "shucang_transform_community_operation_index",
            {
                "grid_event_closure",
                "iot_elevator_fault",
                "iot_water_level",
                "resident_evaluation",
                "timebank_volunteer",
            },
        ),
        (
            "shucang_backflow",
            {
                "elderly_care",
                "iot_elevator_fault",
                "iot_water_level",
                "rental_housing",
                "resident_evaluation",
                "timebank_volunteer",
            },
        ),
    ],
)
def test_scheduled_on_input_assets(dags, dag_id: str, assets: set[str]) -> None:  # type: ignore[no-untyped-def]
    assert _asset_names(dags[dag_id].timetable.asset_condition) == assets


def test_model_task_emits_its_own_asset(dags) -> None:  # type: ignore[no-untyped-def]
    (t,) = dags["shucang_transform_grid_event_closure"].tasks
    assert [o.uri for o in t.outlets] == ["shucang://dataset/grid_event_closure"]


def test_report_is_weekly(dags) -> None:  # type: ignore[no-untyped-def]
    assert dags["shucang_catalog_report"].timetable.expression == "0 7 * * 1"
