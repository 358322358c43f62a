"""Fixtures for the transforms tests: synthetic published inputs in a fresh SHUCANG_HOME."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from synthetic_inputs import publish_synthetic  # noqa: E402


@pytest.fixture
def published(home: Path) -> dict[str, dict[str, Any]]:
    """Every synthetic source dataset published under `home`; manifests by dataset id."""
    return publish_synthetic()
