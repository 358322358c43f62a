"""The four tier DAGs (shucang_province, shucang_city, shucang_district, shucang_community), built
from the contracts in catalog/datasets/. No per-feed code lives here."""

from shucang.dag_factory import TIER_SCHEDULES, build_tier_dag

for _tier in TIER_SCHEDULES:
    globals()[f"shucang_{_tier}"] = build_tier_dag(_tier)
