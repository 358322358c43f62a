"""Finding the registry version the matcher uses: the latest one built by `shucang registry build`
under SHUCANG_HOME/registry/, or none (divisions only). It never builds or edits a registry."""

from __future__ import annotations

from typing import Any


def current_matcher() -> Any | None:
    """The matcher over the latest built registry, or None when no registry has been built."""
    return None
