"""Catalog entries: the core metadata of the national government information resource catalog
(提供方, 资源代码, 摘要, 格式, 信息项, 共享属性, 开放属性, 更新周期, 发布日期) plus the governance
tags (category, tier, source department, address granularity, update frequency, PII kinds, grade,
importance) for every contract, every model and every other published dataset. It reads contracts,
models and manifests; it never writes."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from contracts.categories import lookup, resolve
from contracts.contract import Contract, LoadedContracts, read_contracts
from contracts.schema import SchemaColumn
from transforms.classify import Classified, classify_all
from transforms.model import Model, load_models, run_order
from warehouse.manifest import Manifest, NotPublishedError, published_datasets, read_manifest

TIER_DIGIT = {"province": "1", "city": "2", "district": "3", "community": "4"}
GRANULARITY_ORDER = ("district", "street", "community", "building", "house")


class CatalogError(ValueError):
    """The catalog cannot be built consistently (e.g. two datasets share a resource code)."""


@dataclass(frozen=True)
class CatalogEntry:
    """One dataset as the catalog shows it."""

    id: str
    kind: str  # source (a contract), derived (a model) or published (a manifest only)
    title: str
    summary: str
    provider: str
    resource_code: str
    category: str  # "一级/二级"
    category_code: str | None
    tier: str
    tags: tuple[str, ...]
    source_format: str | None
    update_frequency: str
    grade: str
    importance: str
    sharing: str
    opening: str
    address_granularity: str | None
    data_items: tuple[SchemaColumn, ...]
    inputs: tuple[str, ...] = ()
    lineage: dict[str, Any] = field(default_factory=dict)
    manifest: Manifest | None = None

    @property
    def published(self) -> bool:
        """Whether the dataset has a current snapshot."""
        return self.manifest is not None

    @property
    def publish_date(self) -> str | None:
        """ISO time of the current snapshot, or None."""
        return self.manifest.published_at.isoformat() if self.manifest else None

    @property
    def rows(self) -> int | None:
        """Rows in the current snapshot, or None."""
        return self.manifest.rows if self.manifest else None

    @property
    def owner(self) -> str:
        """The source department: the provider (提供方)."""
        return self.provider

    @property
    def pii_kinds(self) -> tuple[str, ...]:
        """The PII kinds among the data items, sorted."""
        return tuple(sorted({c.pii for c in self.data_items if c.pii}))

    @property
    def formats(self) -> tuple[str, ...]:
        """How the data can be had: Parquet snapshots, and the feed's own format for sources."""
        return ("parquet",) + ((self.source_format,) if self.source_format else ())

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the entry (without the raw manifest)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "summary": self.summary,
            "provider": self.provider,
            "resource_code": self.resource_code,
            "category": self.category,
            "category_code": self.category_code,
            "tier": self.tier,
            "tags": list(self.tags),
            "formats": list(self.formats),
            "update_frequency": self.update_frequency,
            "publish_date": self.publish_date,
            "rows": self.rows,
            "grade": self.grade,
            "importance": self.importance,
            "sharing": self.sharing,
            "opening": self.opening,
            "address_granularity": self.address_granularity,
            "pii_kinds": list(self.pii_kinds),
            "data_items": [c.as_manifest() for c in self.data_items],
            "inputs": list(self.inputs),
            "lineage": self.lineage,
        }


def resource_code(dataset: str, category_code: str | None, tier: str) -> str:
    """Stable resource code "<category item code>/<tier digit><5 digits from the id>"."""
    serial = zlib.crc32(dataset.encode()) % 100000
    return f"{category_code or '0000'}/{TIER_DIGIT.get(tier, '9')}{serial:05d}"


def _typed(cols: tuple[SchemaColumn, ...], manifest: Manifest | None) -> tuple[SchemaColumn, ...]:
    """Columns with the types the manifest records, where one exists."""
    if not manifest:
        return cols
    types = {c.name: c.type for c in manifest.columns}
    return tuple(replace(c, type=types.get(c.name, c.type)) for c in cols)


def _undeclared(cols: tuple[SchemaColumn, ...], manifest: Manifest | None) -> tuple[SchemaColumn, ...]:
    """The published columns the contract does not declare (kept from the feed by
    `on_extra_columns: keep`, at grade L4), so the entry shows the drift; not bookkeeping."""
    if not manifest:
        return ()
    declared = {c.name for c in cols}
    return tuple(c for c in manifest.columns if c.name not in declared and not c.name.startswith("_"))


def _finest(columns: tuple[SchemaColumn, ...]) -> str | None:
    """The finest address granularity any column pinpoints, or None."""
    levels = {c.address_granularity for c in columns}
    return next((g for g in reversed(GRANULARITY_ORDER) if g in levels), None)


def _from_contract(c: Contract, cls: Classified, manifest: Manifest | None) -> CatalogEntry:
    cat = resolve(c.category)
    return CatalogEntry(
        c.id,
        "source",
        c.title,
        c.description,
        c.owner,
        resource_code(c.id, cat.code, c.tier),
        c.category,
        cat.code,
        str(c.tier),
        c.tags,
        c.source.format,
        c.update_frequency,
        str(c.grade),
        str(c.importance),
        str(c.sharing),
        str(c.opening),
        c.address.granularity if c.address else None,
        _typed(cls.columns, manifest) + _undeclared(cls.columns, manifest),
        manifest=manifest,
    )


def _from_model(m: Model, cls: Classified, manifest: Manifest | None) -> CatalogEntry:
    cat = resolve(m.category)
    return CatalogEntry(
        m.id,
        "derived",
        m.title,
        m.description,
        m.owner,
        resource_code(m.id, cat.code, m.tier),
        m.category,
        cat.code,
        str(m.tier),
        m.tags,
        None,
        m.update_frequency,
        str(cls.grade),
        str(cls.importance),
        str(cls.sharing),
        str(cls.opening),
        _finest(cls.columns),
        _typed(cls.columns, manifest),
        m.inputs,
        {k: v.as_json() for k, v in cls.lineage.items()},
        manifest,
    )


def _from_manifest(m: Manifest) -> CatalogEntry:
    cat = lookup(m.category)
    cols = tuple(m.columns)
    return CatalogEntry(
        m.dataset,
        "published",
        m.title,
        m.description,
        m.owner,
        resource_code(m.dataset, cat.code if cat else None, m.tier),
        m.category,
        cat.code if cat else None,
        str(m.tier),
        m.tags,
        None,
        m.update_frequency,
        str(m.grade),
        str(m.importance),
        str(m.sharing),
        str(m.opening),
        _finest(cols),
        cols,
        lineage={k: v.model_dump() for k, v in m.lineage.items()},
        manifest=m,
    )


def _manifest(dataset: str, exports: Path | None) -> Manifest | None:
    try:
        return read_manifest(dataset, exports)
    except NotPublishedError:
        return None


def _without(models: dict[str, Model], left_out: set[str]) -> dict[str, Model]:
    """The models that read none of the `left_out` datasets, directly or through another model."""
    out: dict[str, Model] = {}
    for mid in run_order(models):
        if not any(i in left_out or (i in models and i not in out) for i in models[mid].inputs):
            out[mid] = models[mid]
    return out


def build_catalog(
    exports: Path | None = None,
    contracts: LoadedContracts | None = None,
    models: dict[str, Model] | None = None,
) -> list[CatalogEntry]:
    """Every dataset the warehouse knows, by id; CatalogError if two share a resource code. A
    broken contract's dataset is left out, and so are the models that read it."""
    loaded = contracts if contracts is not None else read_contracts()
    valid = loaded.contracts
    models = _without(models if models is not None else load_models(), {p.stem for p in loaded.broken})
    classified = classify_all(valid, models)
    entries = [_from_contract(c, classified[i], _manifest(i, exports)) for i, c in valid.items()]
    entries += [_from_model(m, classified[i], _manifest(i, exports)) for i, m in models.items()]
    known = set(valid) | set(models)
    entries += [
        _from_manifest(read_manifest(d, exports)) for d in published_datasets(exports) if d not in known
    ]
    seen: dict[str, str] = {}
    for e in entries:
        if e.resource_code in seen:
            raise CatalogError(
                f"datasets {seen[e.resource_code]} and {e.id} share resource code"
                f" {e.resource_code}; rename one of them"
            )
        seen[e.resource_code] = e.id
    return sorted(entries, key=lambda e: e.id)


def find_entry(entries: list[CatalogEntry], dataset: str) -> CatalogEntry:
    """The entry of `dataset`; KeyError lists the known ids."""
    for e in entries:
        if e.id == dataset:
            return e
    raise KeyError(f"no dataset {dataset!r} in the catalog; known: {', '.join(e.id for e in entries)}")
