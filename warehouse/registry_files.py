"""Where the standard address registry keeps its versions under SHUCANG_HOME/registry/:

    registry/CURRENT                 the number of the latest complete version
    registry/v0001/<table>.parquet   that version's tables (estates, buildings, houses, names, ...)

The layout only: address_registry.store writes versions into it, and readers above this layer that
may not import the address registry (the portal's map) find the current version's tables here."""

from __future__ import annotations

from pathlib import Path

from foundation.settings import settings


def root(home: Path | None = None) -> Path:
    """SHUCANG_HOME/registry/ (or `home`/registry/)."""
    return (home or settings().home) / "registry"


def current_version(base: Path | None = None) -> int | None:
    """The latest complete version number under `base` (default root()), or None when nothing
    was built."""
    try:
        return int(((base or root()) / "CURRENT").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def version_dir(version: int, base: Path | None = None) -> Path:
    """The folder of one version."""
    return (base or root()) / f"v{version:04d}"


def current_table(name: str, base: Path | None = None) -> Path | None:
    """The current version's `<name>.parquet`, or None when no registry (or no such table) is there."""
    version = current_version(base)
    found = version_dir(version, base) / f"{name}.parquet" if version is not None else None
    return found if found is not None and found.exists() else None
