"""Data quality: great_expectations suites generated from contracts (run on DuckDB), row-level
failures for the quarantine, batch gates that stop a publish, quality scores and Data Docs.
It never publishes.

The public seams are imported lazily so that `import quality` (e.g. by control.tables) stays
cheap: great_expectations is only imported when validation is used.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    "validate_load": "quality.validate",
    "ValidationReport": "quality.report",
    "GateResult": "quality.report",
    "latest_scores": "quality.store",
    "load_quality": "quality.store",
    "feed_lateness": "quality.gates",
    "data_docs_index": "quality.context",
    "build_data_docs": "quality.context",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'quality' has no attribute {name!r}")
