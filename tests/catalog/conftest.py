"""Fixtures for the catalog tests: the synthetic inputs of tests/transforms, published fresh."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "transforms"))
from synthetic_inputs import publish_synthetic  # noqa: E402


@pytest.fixture
def published(home: Path) -> dict[str, dict[str, Any]]:
    """Every synthetic source dataset published under `home`; manifests by dataset id."""
    return publish_synthetic()
