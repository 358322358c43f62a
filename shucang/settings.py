"""Where everything lives. One root folder (SHUCANG_HOME) holds the embedded defaults; each
path can be moved by its own environment variable for a production layout."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Resolved locations and endpoints; build one with `settings()`."""

    home: Path
    feeds: Path
    control_url: str
    http_base: str

    @property
    def landing(self) -> Path:
        """Raw, immutable bytes as received: landing/<dataset>/<load_id>/<file>."""
        return self.home / "landing"

    @property
    def staging(self) -> Path:
        """Per-load intermediate Parquet: staging/<dataset>/<load_id>/."""
        return self.home / "staging"

    @property
    def quarantine(self) -> Path:
        """Rejected rows with reasons: quarantine/<dataset>/<load_id>.parquet."""
        return self.home / "quarantine"

    @property
    def exports(self) -> Path:
        """Published Parquet snapshots and manifests: exports/<dataset>/."""
        return self.home / "exports"

    @property
    def warehouse(self) -> Path:
        """The DuckDB warehouse file (single writer: the publisher)."""
        return self.home / "warehouse.duckdb"

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"


def settings() -> Settings:
    """Settings from the environment, defaulting to ./var under the repository."""
    env = os.environ.get
    return _settings(os.getcwd(), env("SHUCANG_HOME"), env("SHUCANG_FEEDS"),
                     env("SHUCANG_CONTROL_URL"), env("SHUCANG_HTTP_BASE"))


@functools.lru_cache(maxsize=64)
def _settings(cwd: str, home_env: str | None, feeds_env: str | None, control_url: str | None,
              http_base: str | None) -> Settings:
    """Settings for these variables (relative paths resolved against `cwd`), resolved once."""
    home = Path(cwd, home_env or REPO_ROOT / "var").resolve()
    return Settings(
        home=home,
        feeds=Path(cwd, feeds_env or home / "feeds").resolve(),
        control_url=control_url or f"sqlite:///{home / 'control.db'}",
        http_base=http_base or "http://127.0.0.1:8765",
    )
