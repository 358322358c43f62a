"""The foundation every other package stands on: settings (every `SHUCANG_*` variable declared
once), SQL quoting and path lists, file hashing and atomic writes, the clock and Beijing time, and
small DuckDB helpers. It imports nothing of the project and holds no domain knowledge: no
contracts, no tables, no feeds."""
