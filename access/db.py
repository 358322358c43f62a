"""The control-plane engine as the access package uses it: `control.db.engine()` creates missing
tables on every call (a catalog round trip per table); here that happens once per URL."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Connection, Engine, Select

from access.errors import UnknownEntityError
from control import db
from shucang.settings import settings


@functools.cache
def _ready(url: str) -> Engine:
    return db.engine(url)


def engine() -> Engine:
    """The engine for SHUCANG_CONTROL_URL with every table created (checked once per process)."""
    return _ready(settings().control_url)


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
