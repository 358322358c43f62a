"""Compaction: every upsert adds a small data file (and a delete file), so a dataset fed every
15 minutes would read thousands of files. `compact` rewrites the current snapshot's small data
files (under SHUCANG_COMPACT_SMALL_MIB) into one once there are more than SHUCANG_COMPACT_FILES
of them, and every data file at least half of whose rows are deleted, with their deletes applied.
The result is a new snapshot through the one writer with the same rows; the snapshots kept before
it (SHUCANG_KEEP_SNAPSHOTS) still name their own files, which stay until they are pruned, so time
travel to them reads what it read before. DuckLake's own ducklake_merge_adjacent_files is not
used: it makes earlier versions read the merged file and drops the files their manifests name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from foundation.settings import number
from warehouse.manifest import Manifest, ManifestFields, read_manifest
from warehouse.snapshots import Compaction, publish_snapshot, publisher_lock

# a data file at least this share of whose rows are deleted is rewritten without them
DELETED_SHARE = 0.5


@dataclass(frozen=True)
class Compacted:
    """One dataset's files rewritten into fewer."""

    dataset: str
    rows: int
    files_before: int
    files_after: int
    snapshot_id: str  # the new snapshot, same rows as the one it replaces
    replaced: str


def _count(name: str) -> int:
    """A compaction setting (declared with a default, so never unset; 0 is 0, not the default)."""
    got = number(name)
    assert got is not None, f"{name} is declared with a default"
    return int(got)


def _chosen(m: Manifest) -> frozenset[str]:
    """The data files of `m` compaction rewrites (none when it would leave the dataset as it is)."""
    limit = _count("SHUCANG_COMPACT_SMALL_MIB") << 20
    small = [f.path for f in m.files if f.bytes < limit]
    deleted = [f.path for f in m.files if f.deletes and f.deletes.rows >= f.rows * DELETED_SHARE]
    merge = small if len(small) > max(1, _count("SHUCANG_COMPACT_FILES")) else []  # one is no merge
    return frozenset(merge + deleted)


def compact(dataset: str, exports: Path | None = None) -> Compacted | None:
    """Compact the current snapshot of `dataset` if it needs it; None if it does not (or is not on
    the lake)."""
    with publisher_lock():
        current = read_manifest(dataset, exports)
        chosen = _chosen(current) if current.lake_version is not None else frozenset()
        if not chosen:
            return None
        fields = ManifestFields.model_validate(current.model_dump(include=set(ManifestFields.model_fields)))
        new = publish_snapshot(fields, Compaction(chosen), declared=current.columns, exports=exports).manifest
    return Compacted(dataset, new.rows, len(current.files), len(new.files), new.snapshot_id,
                     current.snapshot_id)

