"""The published side: the DuckLake tables behind every published dataset (`lake`), the typed
manifests that name each snapshot's files (`manifest`), the one writer of both (`snapshots`), the
fed publisher's upsert (`publish`), moving an older home onto the lake (`migrate`), the DuckDB
warehouse file whose views are derived from the manifests (`views`), read-only SQL on it
(`query`) and the quarantine. Readers use `warehouse.manifest` and their own in-memory DuckDB
connections. It owns no feed parsing and no access rules."""
