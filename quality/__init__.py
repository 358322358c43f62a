"""Data quality: great_expectations suites generated from contracts (run on DuckDB), row-level
failures for the quarantine, batch gates that stop a publish, quality scores and Data Docs.
It never publishes.

The public seams are imported lazily so that `import quality` (e.g. by control.tables) stays
cheap: great_expectations is only imported when validation is used.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
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


class _PysparkConnectGuard(importlib.abc.MetaPathFinder):
    """pyspark.sql.connect and pyspark.ml.connect call sys.exit(0) ("Skipping doctests") when
    imported in a process whose __main__ has neither a file nor a spec - a pytest-xdist worker,
    `python -c` - and great_expectations imports them. For those two imports only, the process
    looks interactive (sys.ps1), which is the one condition pyspark accepts."""

    NAMES = ("pyspark.sql.connect", "pyspark.ml.connect")

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name not in self.NAMES:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            had = hasattr(sys, "ps1")
            sys.ps1 = getattr(sys, "ps1", "")
            try:
                run(module)
            finally:
                if not had:
                    del sys.ps1

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _guard_pyspark_imports() -> None:
    main = sys.modules.get("__main__")
    scriptless = (main is not None and getattr(main, "__spec__", None) is None
                  and not hasattr(main, "__file__"))
    if scriptless and not any(isinstance(f, _PysparkConnectGuard) for f in sys.meta_path):
        sys.meta_path.insert(0, _PysparkConnectGuard())


_guard_pyspark_imports()
