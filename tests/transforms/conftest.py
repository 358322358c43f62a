"""Fixtures for the transforms tests: synthetic published inputs in a fresh SHUCANG_HOME."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic_inputs import published, synthetic_template  # noqa: E402, F401
