"""Data quality: great_expectations suites generated from contracts (run on DuckDB), row-level
failures for the quarantine, batch gates that stop a publish, quality scores and Data Docs.
It never publishes. Import the seam you need from its module (`quality.validate.validate_load`,
`quality.store.latest_scores`): great_expectations is imported only by the modules that run it."""
