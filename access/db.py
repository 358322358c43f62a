"""The control-plane engine as the access package uses it (its tables declared), and the
one-row lookup every access module shares."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, Select

import access.models  # noqa: F401  (declares the access tables before the engine creates them)
from access.errors import UnknownEntityError
from control import db


def engine() -> Engine:
    """The engine for SHUCANG_CONTROL_URL with every declared table created."""
    return db.engine()


def one(query: Select[Any], missing: str, c: Connection | None = None) -> dict[str, Any]:
    """The single row `query` selects, as a dict (on `c`, else a fresh connection);
    UnknownEntityError(`missing`) when there is none."""
    if c is None:
        with engine().connect() as fresh:
            return one(query, missing, fresh)
    row = c.execute(query).mappings().first()
    if row is None:
        raise UnknownEntityError(missing)
    return dict(row)
