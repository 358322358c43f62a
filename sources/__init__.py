"""Source kinds: what a contract's `source:` may name and what landing does with it. Each kind is
one class in one module of this package (its contract fields and how it offers the source's objects
as immutable local files from the incremental cursor on), listed once in `sources.registry`.
It knows nothing of contracts, the ledger or staging; heavy clients (database drivers, MQTT, HTTP)
are imported by the kind that uses them. Adding a source kind: one module here and its line in
the registry."""
