"""Reading and writing a dataset's manifest: exports/<dataset>/manifest.json names the current
snapshot (its files with sha256 and row counts, the schema with classification, the loads in it).
Replacing this one file is the atomic step of a publish: readers see the old snapshot or the new."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from contracts.contract import Contract
from foundation.settings import settings

MANIFEST = "manifest.json"


class NotPublishedError(LookupError):
    """A dataset has no published snapshot yet."""


def contract_fields(contract: Contract) -> dict[str, Any]:
    """The manifest fields a dataset's contract decides: identity and classification."""
    return {
        "dataset": contract.id, "title": contract.title, "contract_version": contract.version,
        "tier": contract.tier.value, "owner": contract.owner, "category": contract.category,
        "grade": contract.grade.value, "importance": contract.importance.value,
        "sharing": contract.sharing.value, "opening": contract.opening.value,
        "update_frequency": contract.update_frequency,
    }



def dataset_dir(dataset: str, exports: Path | None = None) -> Path:
    """exports/<dataset>/ (holds manifest.json and snapshots/<snapshot_id>/)."""
    return (exports or settings().exports) / dataset


def read_manifest(dataset: str, exports: Path | None = None) -> dict[str, Any]:
    """The current manifest of `dataset`; NotPublishedError if it was never published."""
    path = dataset_dir(dataset, exports) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotPublishedError(f"dataset {dataset!r} has no published snapshot ({path})") from None


def current_files(dataset: str, exports: Path | None = None) -> list[Path]:
    """Absolute paths of the Parquet files of the current snapshot of `dataset`."""
    base = dataset_dir(dataset, exports)
    return [base / f["path"] for f in read_manifest(dataset, exports)["files"]]


def published_datasets(exports: Path | None = None) -> list[str]:
    """Ids of every dataset with a current manifest."""
    root = exports or settings().exports
    return sorted(p.parent.name for p in root.glob(f"*/{MANIFEST}"))


def write_manifest_atomically(dataset: str, manifest: dict[str, Any], exports: Path | None = None) -> Path:
    """Write the manifest beside the snapshot, then swap it in with one atomic rename."""
    base = dataset_dir(dataset, exports)
    base.mkdir(parents=True, exist_ok=True)
    tmp = base / f".{MANIFEST}.{manifest['snapshot_id']}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    final = base / MANIFEST
    os.replace(tmp, final)
    return final
