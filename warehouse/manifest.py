"""The manifest: exports/<dataset>/manifest.json names the current snapshot of a dataset (its files
with rows, bytes and sha256, the column schema with classification, the loads in it, lineage for
models). It is the product's central interface, read by the catalog, grants, the gateway, the
warehouse views and downstream apps, so it is one typed, versioned model (`Manifest`,
`SCHEMA_VERSION`); `upgrade_manifest` reads every older shape into it. Replacing this one file is
the atomic step of a publish: readers see the old snapshot or the new. Only `warehouse.snapshots`
writes it."""

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

MANIFEST = "manifest.json"
# 1: the untyped dicts written before the model (no `schema_version` key); 2: this model.
SCHEMA_VERSION: Literal[2] = 2
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


class SnapshotFile(_Strict):
    """One Parquet file of a snapshot; `path` is relative to exports/<dataset>/."""

    path: str
    rows: int
    bytes: int
    sha256: str


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

    schema_version: Literal[2] = SCHEMA_VERSION
    snapshot_id: str
    published_at: dt.datetime
    rows: int
    files: list[SnapshotFile]
    columns: list[SchemaColumn] = Field(alias="schema")
    load_ids: list[str] = []  # the loads whose rows are in the snapshot

    @model_validator(mode="after")
    def _rows_add_up(self) -> Manifest:
        if self.rows != sum(f.rows for f in self.files):
            raise ValueError(f"rows={self.rows} but the files hold {sum(f.rows for f in self.files)}")
        return self

    def paths(self, exports: Path | None = None) -> list[Path]:
        """Absolute paths of the snapshot's Parquet files."""
        base = dataset_dir(self.dataset, exports)
        return [base / f.path for f in self.files]

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
        return Manifest.model_validate(_from_v1(raw) if version == 1 else raw)
    except ValidationError as e:
        raise ManifestError(f"manifest of {raw.get('dataset')!r} (version {version}) is malformed:"
                            f" {e}") from e


def dataset_dir(dataset: str, exports: Path | None = None) -> Path:
    """exports/<dataset>/ (holds manifest.json and snapshots/<snapshot_id>/)."""
    return (exports or settings().exports) / dataset


def read_manifest(dataset: str, exports: Path | None = None) -> Manifest:
    """The current manifest of `dataset`; NotPublishedError if it was never published."""
    path = dataset_dir(dataset, exports) / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotPublishedError(f"dataset {dataset!r} has no published snapshot ({path})") from None
    except json.JSONDecodeError as e:
        raise ManifestError(f"{path} is not JSON: {e}") from None
    return upgrade_manifest(raw)


def current_files(dataset: str, exports: Path | None = None) -> list[Path]:
    """Absolute paths of the Parquet files of the current snapshot of `dataset`."""
    return read_manifest(dataset, exports).paths(exports)


def published_datasets(exports: Path | None = None) -> list[str]:
    """Ids of every dataset with a current manifest."""
    root = exports or settings().exports
    return sorted(p.parent.name for p in root.glob(f"*/{MANIFEST}"))


def swap_manifest(manifest: Manifest, exports: Path | None = None) -> Path:
    """Make `manifest` current with one atomic rename (the commit point of a publish)."""
    final = dataset_dir(manifest.dataset, exports) / MANIFEST
    atomic_write_text(final, json.dumps(manifest.as_json(), ensure_ascii=False, indent=2))
    return final
