"""The published side: Parquet snapshots with manifests, and the DuckDB warehouse file whose views
point at the current snapshot of each dataset. Only the publisher writes here; readers use
`warehouse.manifest` and their own in-memory DuckDB connections. It owns no feed parsing and no
access rules."""
