"""Data quality: great_expectations suites generated from contracts, row-level failures for the
quarantine, batch gates that stop a publish, and quality scores. It never publishes."""
