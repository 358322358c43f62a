"""Running models: resolve each input to the files of its current published snapshot, run the
SQL on the chosen engine, check the output against the model's metadata, and publish it. A model
whose inputs have the same snapshots as its last build is skipped when asked (`only_if_changed`),
which is what the Asset-scheduled DAG does."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import pyarrow as pa

from contracts.contract import load_contracts
from foundation.sql import ident
from transforms.classify import Classified, classify_all
from transforms.duckdb_engine import copy_duckdb, open_result, run_duckdb
from transforms.model import Model, ModelError, load_models, run_order
from transforms.publish import build_path, publish_model_output
from warehouse.manifest import Manifest, NotPublishedError, current_relation, read_manifest
from warehouse.snapshots import Rows

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")


class MissingInputError(LookupError):
    """A model reads a dataset that has no published snapshot yet."""


class ModelOutputError(ValueError):
    """A model's result does not match its metadata (columns, primary key)."""


@dataclass(frozen=True)
class RunResult:
    """What one model run did."""

    model: str
    status: Literal["published", "unchanged"]
    engine: str
    rows: int
    snapshot_id: str
    seconds: float


def input_snapshots(model: Model, exports: Path | None = None) -> dict[str, str]:
    """The current snapshot id of each input of `model`; MissingInputError if one is unpublished."""
    out = {}
    for name in model.inputs:
        try:
            out[name] = read_manifest(name, exports).snapshot_id
        except NotPublishedError:
            raise MissingInputError(
                f"model {model.id} reads {name}, which has no published snapshot yet:"
                f" publish it first (its feed, or `shucang transforms run {name}` for a model)"
            ) from None
    return out


def execute(model: Model, engine: Engine = "duckdb", exports: Path | None = None) -> pa.Table:
    """Run `model` on `engine` over its inputs' current snapshots and return the result."""
    input_snapshots(model, exports)  # names the missing input before any engine starts
    if engine == "duckdb":
        return run_duckdb(model.sql, {name: current_relation(name, exports) for name in model.inputs})
    if engine == "spark":
        from transforms.spark_engine import run_spark

        manifests = {name: read_manifest(name, exports) for name in model.inputs}
        return run_spark(model.sql, manifests, str(model.path or model.id), exports)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def check_output(model: Model, result: pa.Table | Path) -> None:
    """ModelOutputError unless `result` (Arrow table or Parquet file) has exactly the declared
    columns and a unique primary key."""
    con = duckdb.connect()
    try:
        name = open_result(con, result)
        got = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {name}").fetchall()}
        declared = set(model.columns)
        if got != declared:
            raise ModelOutputError(
                f"model {model.id}: result columns {sorted(got - declared)} are not declared and"
                f" {sorted(declared - got)} are missing (see {model.path})"
            )
        keys = ", ".join(ident(k) for k in model.primary_key)
        dup = con.execute(
            f"SELECT {keys}, count(*) AS n FROM {name} GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    if dup:
        raise ModelOutputError(
            f"model {model.id}: primary key {list(model.primary_key)} is not unique:"
            f" {dict(zip(model.primary_key, dup[:-1], strict=True))} occurs {dup[-1]} times"
        )


def build(model: Model, engine: Engine, target: Path, exports: Path | None = None) -> Rows:
    """Run `model` on `engine`: DuckDB streams one COPY into the Parquet file `target` (written as
    snapshots are) and returns it; Spark returns its result as an Arrow table."""
    if engine == "duckdb":
        input_snapshots(model, exports)
        copy_duckdb(model.sql, {n: current_relation(n, exports) for n in model.inputs}, target)
        return target
    return execute(model, engine, exports)


def _unchanged(model: Model, snaps: dict[str, str], exports: Path | None) -> Manifest | None:
    try:
        last = read_manifest(model.id, exports)
    except NotPublishedError:
        return None
    built_from = {i.dataset: i.snapshot_id for i in last.inputs}
    return last if built_from == snaps else None


def run_model(
    model_id: str,
    engine: Engine = "duckdb",
    *,
    only_if_changed: bool = False,
    exports: Path | None = None,
    models: dict[str, Model] | None = None,
    classified: dict[str, Classified] | None = None,
) -> RunResult:
    """Run one model and publish its result (or skip it when its inputs have not changed)."""
    models = models if models is not None else load_models()
    if model_id not in models:
        raise ModelError(f"no model {model_id!r}; models: {', '.join(sorted(models))}")
    model = models[model_id]
    classified = classified if classified is not None else classify_all(load_contracts(), models)
    start = time.perf_counter()
    snaps = input_snapshots(model, exports)
    if only_if_changed and (last := _unchanged(model, snaps, exports)) is not None:
        return RunResult(
            model_id,
            "unchanged",
            last.engine or engine,
            last.rows,
            last.snapshot_id,
            time.perf_counter() - start,
        )
    target = build_path(model.id, exports)
    try:
        built = build(model, engine, target, exports)
        check_output(model, built)
        manifest = publish_model_output(
            model,
            classified[model_id],
            built,
            engine=engine,
            input_snapshots=snaps,
            exports=exports,
        )
    finally:
        target.unlink(missing_ok=True)  # linked into the snapshot on success; debris on failure
    return RunResult(
        model_id, "published", engine, manifest.rows, manifest.snapshot_id, time.perf_counter() - start
    )


def run_models(
    ids: list[str] | None = None,
    engine: Engine = "duckdb",
    *,
    only_if_changed: bool = False,
    exports: Path | None = None,
) -> list[RunResult]:
    """Run `ids` (default: every model) in dependency order."""
    models = load_models()
    classified = classify_all(load_contracts(), models)
    wanted = set(ids) if ids else set(models)
    unknown = wanted - set(models)
    if unknown:
        raise ModelError(f"no model {sorted(unknown)}; models: {', '.join(sorted(models))}")
    return [
        run_model(
            mid,
            engine,
            only_if_changed=only_if_changed,
            exports=exports,
            models=models,
            classified=classified,
        )
        for mid in run_order(models)
        if mid in wanted
    ]
