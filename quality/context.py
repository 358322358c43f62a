"""The great_expectations data context of shucang: suites, validation results and validation
definitions are JSON files under SHUCANG_HOME/quality/gx/, Data Docs a static site under
SHUCANG_HOME/quality/data_docs/. Datasources are not persisted: each validation registers its
load's DuckDB view as a datasource of an ephemeral context, so parallel loads never share a
config file.

It owns the GX context and the Data Docs site; it validates nothing itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import great_expectations as gx
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.base import (
    DataContextConfig,
    FilesystemStoreBackendDefaults,
    ProgressBarsConfig,
)

from foundation.settings import settings

SITE = "shucang"


def quality_home() -> Path:
    """SHUCANG_HOME/quality/: everything this package stores on disk."""
    return settings().home / "quality"


def data_docs_dir() -> Path:
    """Where the static Data Docs site is built."""
    return quality_home() / "data_docs"


def data_docs_index() -> Path:
    """The index.html of the Data Docs site (the catalog report links to it)."""
    return data_docs_dir() / "index.html"


def get_context() -> AbstractDataContext:
    """A GX context with file-backed stores under SHUCANG_HOME/quality/, no analytics and no
    progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    root = quality_home() / "gx"
    root.mkdir(parents=True, exist_ok=True)
    config = DataContextConfig(
        store_backend_defaults=FilesystemStoreBackendDefaults(root_directory=str(root)),
        data_docs_sites={
            SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(data_docs_dir()),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        # a progress bar on stderr is an ERROR line in an Airflow task log
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def build_data_docs(context: AbstractDataContext | None = None, resources: list | None = None) -> Path:
    """(Re)build the Data Docs site, only for `resources` when given; returns its index path."""
    (context or get_context()).build_data_docs(site_names=[SITE], resource_identifiers=resources)
    return data_docs_index()
