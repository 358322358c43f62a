"""Fixtures for the warehouse tests: the synthetic inputs of tests/transforms."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "transforms"))
from synthetic_inputs import published, synthetic_template  # noqa: E402, F401
