"""Imports every module that declares control-plane tables, so `ensure_schema` sees them all.
Owners add their module here."""

import access.models  # noqa: F401
import address_registry.review  # noqa: F401
import control.ledger  # noqa: F401
import quality.store  # noqa: F401
