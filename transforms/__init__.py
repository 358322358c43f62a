"""Derived datasets as SQL models: one `.sql` file per model with its metadata beside it, run when
the assets of its inputs change. It reads published snapshots and never writes feeds."""
