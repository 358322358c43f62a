"""The control-plane engine as the access package uses it: `control.db.engine()` creates missing
tables on every call (a catalog round trip per table); here that happens once per URL."""

from __future__ import annotations

import functools

from sqlalchemy import Engine

from control import db
from shucang.settings import settings


@functools.cache
def _ready(url: str) -> Engine:
    return db.engine(url)


def engine() -> Engine:
    """The engine for SHUCANG_CONTROL_URL with every table created (checked once per process)."""
    return _ready(settings().control_url)
