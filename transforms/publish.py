"""Publishing a derived dataset exactly like a fed one: a Parquet snapshot under
exports/<id>/snapshots/<snapshot_id>/ and a manifest swapped in atomically with
warehouse.manifest.write_manifest_atomically, so the catalog, grants and exports treat it as any
other dataset. It writes only under exports/<model id>/."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from foundation.files import sha256_file
from transforms.classify import Classified
from transforms.duckdb_engine import duckdb_types
from transforms.model import Model
from warehouse.manifest import dataset_dir, read_manifest, write_manifest_atomically


def new_snapshot_id() -> str:
    """A sortable, unique snapshot id: <UTC timestamp>-<random>."""
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"


def place_snapshot(
    dataset: str, built: Path, snapshot_id: str, exports: Path | None = None
) -> list[dict[str, Any]]:
    """Move a finished Parquet file to snapshots/<snapshot_id>/part-0.parquet (same filesystem,
    one rename) and return the manifest `files` list."""
    base = dataset_dir(dataset, exports)
    folder = base / "snapshots" / snapshot_id
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / "part-0.parquet"
    os.replace(built, final)
    return [
        {
            "path": final.relative_to(base).as_posix(),
            "rows": pq.ParquetFile(final).metadata.num_rows,
            "bytes": final.stat().st_size,
            "sha256": sha256_file(final),
        }
    ]


def write_snapshot(
    dataset: str, table: pa.Table, snapshot_id: str, exports: Path | None = None
) -> list[dict[str, Any]]:
    """Write `table` as snapshots/<snapshot_id>/part-0.parquet; return the manifest `files` list."""
    tmp = build_path(dataset, snapshot_id, exports)
    pq.write_table(table, tmp, compression="zstd")
    return place_snapshot(dataset, tmp, snapshot_id, exports)


def build_path(dataset: str, snapshot_id: str, exports: Path | None = None) -> Path:
    """Where a snapshot is built before it is placed: exports/<dataset>/.build/<id>.parquet."""
    folder = dataset_dir(dataset, exports) / ".build"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{snapshot_id}.parquet"


def publish_model_output(
    model: Model,
    cls: Classified,
    built: Path,
    snapshot_id: str,
    *,
    engine: str,
    input_snapshots: dict[str, str],
    exports: Path | None = None,
) -> dict[str, Any]:
    """Publish the Parquet file `built` as snapshot `snapshot_id` of `model`; return the manifest."""
    files = place_snapshot(model.id, built, snapshot_id, exports)
    types = duckdb_types(dataset_dir(model.id, exports) / files[0]["path"])
    manifest: dict[str, Any] = {
        "dataset": model.id,
        "title": model.title,
        "snapshot_id": snapshot_id,
        "published_at": dt.datetime.now(dt.UTC).isoformat(),
        "contract_version": model.version,
        "tier": str(model.tier),
        "owner": model.owner,
        "category": model.category,
        "grade": str(cls.grade),
        "importance": str(cls.importance),
        "sharing": str(cls.sharing),
        "opening": str(cls.opening),
        "update_frequency": model.update_frequency,
        "rows": files[0]["rows"],
        "files": files,
        "schema": [{**c.as_manifest(), "type": types[c.name]} for c in cls.columns],
        "load_ids": [],
        "quality_score": None,
        "kind": "derived",
        "engine": engine,
        "inputs": [{"dataset": d, "snapshot_id": s} for d, s in sorted(input_snapshots.items())],
        "lineage": {name: lin.as_json() for name, lin in cls.lineage.items()},
        "sql_sha256": hashlib.sha256(model.sql.encode("utf-8")).hexdigest(),
    }
    write_manifest_atomically(model.id, manifest, exports)
    prune_snapshots(model.id, exports)
    return manifest


KEEP_SNAPSHOTS = 3  # the current one plus two that readers of an older manifest may still read


def prune_snapshots(dataset: str, exports: Path | None = None, keep: int = KEEP_SNAPSHOTS) -> list[str]:
    """Delete all but the newest `keep` snapshot folders of a derived dataset; never the current.
    Snapshot ids sort by time, so the newest are the last in name order."""
    current = read_manifest(dataset, exports)["snapshot_id"]
    folders = sorted(p for p in (dataset_dir(dataset, exports) / "snapshots").iterdir() if p.is_dir())
    gone = [p for p in folders[:-keep] if p.name != current] if keep > 0 else []
    for p in gone:
        shutil.rmtree(p)
    return [p.name for p in gone]
