"""Moving a home made before the lake onto it: every dataset whose manifest names plain snapshot
folders (manifest versions 1 and 2) gets a lake table with the rows of its current snapshot, a
version-3 manifest through the one writer, and its old snapshot folders deleted. Readers see the old
snapshot until the new manifest is swapped in; a migration killed halfway is run again."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from warehouse.manifest import ManifestFields, dataset_dir, published_datasets, read_manifest
from warehouse.snapshots import Query, publish_snapshot, publisher_lock


@dataclass(frozen=True)
class Migrated:
    """One dataset moved onto the lake."""

    dataset: str
    rows: int
    snapshot_id: str  # the new snapshot, same rows as the one it replaces
    replaced: str


def migrate_home(exports: Path | None = None) -> list[Migrated]:
    """Move every published dataset not yet on the lake onto it; return what moved."""
    done = []
    with publisher_lock():
        for dataset in published_datasets(exports):
            old = read_manifest(dataset, exports)
            if old.lake_version is not None:
                continue
            fields = ManifestFields.model_validate(old.model_dump(include=set(ManifestFields.model_fields)))
            new = publish_snapshot(fields, Query(None, f"SELECT * FROM {old.relation(exports)}"),
                                   declared=old.columns, exports=exports).manifest
            for folder in (dataset_dir(dataset, exports) / "snapshots").iterdir():
                if folder.is_dir():  # the old layout: snapshots/<id>/part-0.parquet
                    shutil.rmtree(folder)
            done.append(Migrated(dataset, new.rows, new.snapshot_id, old.snapshot_id))
    return done
