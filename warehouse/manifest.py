"""The manifest: exports/<dataset>/manifest.json names the current snapshot of a dataset (its files
with rows, bytes and sha256, the column schema with classification, the loads in it, lineage for
models). It is the product's central interface, read by the catalog, grants, the gateway, the
warehouse views and downstream apps, so it is one typed, versioned model (`Manifest`,
`SCHEMA_VERSION`); `upgrade_manifest` reads every older shape into it. Replacing this one file is
the atomic step of a publish: readers see the old snapshot or the new. A file may come with the
positions of its rows a later upsert replaced (`deletes`); `Manifest.relation` is the SQL that
reads the live rows. The kept earlier snapshots are exports/<dataset>/snapshots/<id>.json (time
travel, `read_manifest(..., snapshot_id=...)`). Only `warehouse.snapshots` writes them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from contracts.contract import Contract, Frequency, Grade, Importance, Opening, Sharing, Tier
from contracts.schema import ADDRESS_GRANULARITY, DatasetTags, SchemaColumn
from foundation.files import atomic_write_text
from foundation.settings import settings
from foundation.sql import ident
from foundation.sql import path as sql_path
from foundation.sql import paths as sql_paths

MANIFEST = "manifest.json"
# 1: the untyped dicts written before the model (no `schema_version` key); 2: the model over one
# rewritten Parquet file per snapshot; 3: this model, over a DuckLake table's files.
SCHEMA_VERSION: Literal[3] = 3
# What wrote a dataset: a fed load (a contract), a derived model (transforms/), or a log the
# platform keeps about itself (the access audit).
Kind = Literal["feed", "model", "log"]


class NotPublishedError(LookupError):
    """A dataset has no published snapshot yet."""


class ManifestError(ValueError):
    """A manifest.json cannot be read as any known manifest shape."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True,
                              serialize_by_alias=True)


class DeleteFile(_Strict):
    """The rows of a data file that are no longer live: a Parquet file of (`file_path`, `pos`),
    `pos` being the 0-based row number in the data file; `path` as `SnapshotFile.path`."""

    path: str
    rows: int
    bytes: int
    sha256: str


class SnapshotFile(_Strict):
    """One Parquet data file of a snapshot; `path` is relative to exports/<dataset>/. Its live
    rows are `rows` less the `deletes`."""

    path: str
    rows: int
    bytes: int
    sha256: str
    deletes: DeleteFile | None = None

    @property
    def live_rows(self) -> int:
        return self.rows - (self.deletes.rows if self.deletes else 0)


class InputSnapshot(_Strict):
    """A snapshot a model was built from."""

    dataset: str
    snapshot_id: str


class ColumnSources(_Strict):
    """Where a model's output column comes from (transforms.lineage)."""

    sources: list[str]  # "<input dataset>.<column>"
    direct: bool  # a plain copy, nothing computed on the way


class ManifestFields(_Strict):
    """What the writer of a snapshot says about its dataset: identity, classification, key, and for
    models their build; the snapshot writer adds the facts of the files it wrote."""

    dataset: str
    kind: Kind
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    contract_version: int = 1
    tier: Tier
    owner: str  # the source department (提供方)
    category: str  # "一级/二级"
    grade: Grade  # DB33/T 2351
    importance: Importance = Importance.general  # GB/T 43697
    sharing: Sharing
    opening: Opening
    update_frequency: Frequency
    primary_key: list[str] = []
    quality_score: float | None = None
    # models only: how and from what the snapshot was built
    engine: str | None = None
    inputs: list[InputSnapshot] = []
    lineage: dict[str, ColumnSources] = {}
    sql_sha256: str | None = None

    @property
    def column_tags(self) -> DatasetTags:
        """The classification every column inherits unless it declares its own."""
        return DatasetTags(self.category, str(self.tier), self.owner, self.update_frequency,
                           str(self.importance))


class Manifest(ManifestFields):
    """The current snapshot of one dataset, as exports/<dataset>/manifest.json records it."""

    schema_version: Literal[3] = SCHEMA_VERSION
    snapshot_id: str
    lake_version: int | None = None  # the DuckLake snapshot the files are (None: before the lake)
    published_at: dt.datetime
    rows: int
    files: list[SnapshotFile]
    columns: list[SchemaColumn] = Field(alias="schema")
    load_ids: list[str] = []  # the loads whose rows are in the snapshot

    @model_validator(mode="after")
    def _rows_add_up(self) -> Manifest:
        if self.rows != sum(f.live_rows for f in self.files):
            raise ValueError(f"rows={self.rows} but the files hold {sum(f.live_rows for f in self.files)}")
        return self

    def paths(self, exports: Path | None = None) -> list[Path]:
        """Absolute paths of the snapshot's Parquet data files (deleted rows included: read the
        snapshot through `relation`)."""
        base = dataset_dir(self.dataset, exports)
        return [base / f.path for f in self.files]

    def relation(self, exports: Path | None = None) -> str:
        """A parenthesised DuckDB SELECT of the snapshot's live rows, for any FROM clause: the data
        files without deletes read as one, each file with deletes read without the listed rows."""
        base = dataset_dir(self.dataset, exports)
        whole = [base / f.path for f in self.files if f.deletes is None]
        parts = [f"SELECT * FROM read_parquet({sql_paths(whole)}, union_by_name = true)"] if whole else []
        for f in self.files:
            if f.deletes is not None:
                parts.append(
                    f"SELECT * EXCLUDE (file_row_number) FROM read_parquet({sql_path(base / f.path)},"
                    f" file_row_number = true) WHERE file_row_number NOT IN (SELECT pos FROM"
                    f" read_parquet({sql_path(base / f.deletes.path)}))")
        if not parts:
            cols = ", ".join(f"NULL::{c.type} AS {ident(c.name)}" for c in self.columns)
            parts = [f"SELECT {cols} WHERE false"]
        return "(" + " UNION ALL BY NAME ".join(parts) + ")"

    def column(self, name: str) -> SchemaColumn:
        """The column `name`; KeyError names the columns there are."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.dataset} snapshot {self.snapshot_id} has no column {name!r};"
                       f" it has {', '.join(c.name for c in self.columns)}")

    def as_json(self) -> dict[str, Any]:
        """The manifest as written to manifest.json (`schema_version` first)."""
        data = self.model_dump(mode="json")
        return {"schema_version": data.pop("schema_version"), **data}


def contract_fields(contract: Contract, quality_score: float | None = None) -> ManifestFields:
    """The manifest fields a fed dataset's contract decides: identity, classification and key."""
    return ManifestFields(
        dataset=contract.id, kind="feed", title=contract.title, description=contract.description,
        tags=contract.tags, contract_version=contract.version, tier=contract.tier, owner=contract.owner,
        category=contract.category, grade=contract.grade, importance=contract.importance,
        sharing=contract.sharing, opening=contract.opening, update_frequency=contract.update_frequency,
        primary_key=list(contract.primary_key), quality_score=quality_score,
    )


def _v1_kind(raw: dict[str, Any]) -> Kind:
    # version 1 said `kind: derived` for models only; the fed publisher always wrote a primary key
    # and the audit log never did
    if raw.get("kind") == "derived":
        return "model"
    return "feed" if raw.get("primary_key") else "log"


def _v1_column(c: dict[str, Any], tags: DatasetTags) -> dict[str, Any]:
    # columns written before they carried the full classification inherit the dataset's, and the
    # standard address columns get the granularity they pinpoint by name
    name = c["name"]
    return {
        "name": name, "type": c.get("type") or "VARCHAR", "title": c.get("title") or name,
        "grade": c.get("grade") or "L1", "pii": c.get("pii"), "mask": c.get("mask"),
        "category": c.get("category") or tags.category, "tier": c.get("tier") or tags.tier,
        "owner": c.get("owner") or tags.owner,
        "address_granularity": c["address_granularity"] if "address_granularity" in c
        else ADDRESS_GRANULARITY.get(name),
        "update_frequency": c.get("update_frequency") or tags.update_frequency,
        "importance": c.get("importance") or tags.importance,
    }


def _from_v1(raw: dict[str, Any]) -> dict[str, Any]:
    known = set(Manifest.model_fields) | {"schema"}
    out = {k: v for k, v in raw.items() if k in known and k not in ("kind", "columns")}
    out.update(schema_version=SCHEMA_VERSION, kind=_v1_kind(raw))
    out.setdefault("title", raw.get("dataset"))
    out.setdefault("importance", Importance.general)
    tags = DatasetTags(*(str(out.get(k) or "") for k in
                         ("category", "tier", "owner", "update_frequency", "importance")))
    out["schema"] = [_v1_column(c, tags) for c in raw.get("schema") or []]
    return out


def upgrade_manifest(raw: dict[str, Any]) -> Manifest:
    """The `Manifest` of a parsed manifest.json of any version; ManifestError says what is wrong."""
    version = raw.get("schema_version", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ManifestError(f"manifest of {raw.get('dataset')!r} has schema_version {version!r}; this"
                            f" shucang reads versions 1 to {SCHEMA_VERSION}: upgrade shucang")
    try:
        # version 2 is version 3 without deletes or a lake version
        return Manifest.model_validate(_from_v1(raw) if version == 1 else {**raw, "schema_version": 3})
    except ValidationError as e:
        raise ManifestError(f"manifest of {raw.get('dataset')!r} (version {version}) is malformed:"
                            f" {e}") from e


def dataset_dir(dataset: str, exports: Path | None = None) -> Path:
    """exports/<dataset>/ (holds manifest.json and snapshots/<snapshot_id>.json)."""
    return (exports or settings().exports) / dataset


def snapshot_manifest(dataset: str, snapshot_id: str, exports: Path | None = None) -> Path:
    """exports/<dataset>/snapshots/<snapshot_id>.json: the manifest of a kept snapshot."""
    return dataset_dir(dataset, exports) / "snapshots" / f"{snapshot_id}.json"


def read_manifest(dataset: str, exports: Path | None = None, snapshot_id: str | None = None) -> Manifest:
    """The current manifest of `dataset`, or that of its kept snapshot `snapshot_id` (time
    travel); NotPublishedError if there is none."""
    path = (dataset_dir(dataset, exports) / MANIFEST if snapshot_id is None
            else snapshot_manifest(dataset, snapshot_id, exports))
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotPublishedError(f"dataset {dataset!r} has no published snapshot ({path})") from None
    except json.JSONDecodeError as e:
        raise ManifestError(f"{path} is not JSON: {e}") from None
    return upgrade_manifest(raw)


def current_relation(dataset: str, exports: Path | None = None) -> str:
    """A parenthesised DuckDB SELECT of the live rows of the current snapshot of `dataset`."""
    return read_manifest(dataset, exports).relation(exports)


def published_datasets(exports: Path | None = None) -> list[str]:
    """Ids of every dataset with a current manifest."""
    root = exports or settings().exports
    return sorted(p.parent.name for p in root.glob(f"*/{MANIFEST}"))


def swap_manifest(manifest: Manifest, exports: Path | None = None) -> Path:
    """Keep `manifest` as snapshots/<id>.json, then make it current with one atomic rename (the
    commit point of a publish)."""
    text = json.dumps(manifest.as_json(), ensure_ascii=False, indent=2)
    atomic_write_text(snapshot_manifest(manifest.dataset, manifest.snapshot_id, exports), text)
    final = dataset_dir(manifest.dataset, exports) / MANIFEST
    atomic_write_text(final, text)
    return final
