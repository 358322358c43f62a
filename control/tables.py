"""Imports every module that declares control-plane tables, so `ensure_schema` sees them all.
Owners add their module here."""

import control.ledger  # noqa: F401
