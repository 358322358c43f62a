"""Shared fixtures: every test gets its own SHUCANG_HOME so nothing leaks between tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SHUCANG_HOME (landing, staging, exports, control.db) under tmp_path."""
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("SHUCANG_HOME", str(h))
    monkeypatch.setenv("SHUCANG_FEEDS", str(h / "feeds"))
    monkeypatch.delenv("SHUCANG_CONTROL_URL", raising=False)
    return h
