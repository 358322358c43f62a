"""The four Airflow tier DAGs (shucang_province, shucang_city, shucang_district, shucang_community),
built from the contracts in catalog/datasets/. No per-feed code lives here. (Airflow only parses
files that mention both "airflow" and "dag", so this docstring does.)"""

from shucang.dag_factory import TIER_SCHEDULES, build_tier_dag

for _tier in TIER_SCHEDULES:
    _dag = build_tier_dag(_tier)
    _dag.fileloc = __file__  # built in the factory, but this file is what the scheduler parses
    globals()[_dag.dag_id] = _dag
