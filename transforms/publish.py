"""Publishing a derived dataset exactly like a fed one: through warehouse.snapshots, so its
snapshot, manifest, warehouse view and retention are those of every other dataset. The manifest
records the model's build: engine, input snapshots, column lineage and the SQL's hash. It writes
only under exports/<model id>/."""

from __future__ import annotations

from pathlib import Path

from foundation.files import sha256_text
from transforms.classify import Classified
from transforms.model import Model
from warehouse.manifest import ColumnSources, InputSnapshot, Manifest, ManifestFields, dataset_dir
from warehouse.snapshots import Rows, new_snapshot_id, publish_snapshot


def build_path(dataset: str, exports: Path | None = None) -> Path:
    """A fresh file a model is built into before it is published: exports/<dataset>/.build/."""
    folder = dataset_dir(dataset, exports) / ".build"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{new_snapshot_id()}.parquet"


def model_fields(model: Model, cls: Classified, engine: str,
                 input_snapshots: dict[str, str]) -> ManifestFields:
    """The manifest fields of a model's build: its metadata, inherited classification and lineage."""
    return ManifestFields(
        dataset=model.id, kind="model", title=model.title, description=model.description,
        tags=model.tags, contract_version=model.version, tier=model.tier, owner=model.owner,
        category=model.category, grade=cls.grade, importance=cls.importance, sharing=cls.sharing,
        opening=cls.opening, update_frequency=model.update_frequency,
        primary_key=list(model.primary_key), engine=engine,
        inputs=[InputSnapshot(dataset=d, snapshot_id=s) for d, s in sorted(input_snapshots.items())],
        lineage={name: ColumnSources.model_validate(lin.as_json()) for name, lin in cls.lineage.items()},
        sql_sha256=sha256_text(model.sql),
    )


def publish_model_output(
    model: Model,
    cls: Classified,
    built: Rows,
    *,
    engine: str,
    input_snapshots: dict[str, str],
    exports: Path | None = None,
) -> Manifest:
    """Publish `built` (the model's result) as a new snapshot of `model`; return the manifest."""
    fields = model_fields(model, cls, engine, input_snapshots)
    return publish_snapshot(fields, built, declared=cls.columns, exports=exports).manifest
