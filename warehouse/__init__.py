"""The published side: Parquet snapshots with their typed manifests (`manifest`), the one writer
of both (`snapshots`), the fed publisher's upsert (`publish`), the DuckDB warehouse file whose
views are derived from the manifests (`views`), read-only SQL on it (`query`) and the quarantine.
Readers use `warehouse.manifest` and their own in-memory DuckDB connections. It owns no feed
parsing and no access rules."""
