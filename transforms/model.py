"""A derived-dataset model: `transforms/models/<id>.sql` (DuckDB SQL over input datasets named as
tables) plus `<id>.yaml` beside it (title, inputs, tier, owner, category, column titles, ...).
This module owns reading and validating that pair; it runs nothing and reads no data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from contracts.categories import CategoryPath
from contracts.contract import Frequency, Grade, Opening, Sharing, Tier

MODELS_DIR = Path(__file__).resolve().parent / "models"


class ModelError(ValueError):
    """A model's SQL or metadata file is missing, unreadable or inconsistent."""


class OutputColumn(BaseModel):
    """Title and description of one output column, written `name: title` or `name: {title: ...}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str
    description: str = ""


class Model(BaseModel):
    """A derived dataset: its SQL text and the metadata declared beside it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: str
    description: str = ""
    version: int = 1
    inputs: tuple[str, ...]
    tier: Tier
    owner: str
    category: CategoryPath
    tags: tuple[str, ...] = ()
    update_frequency: Frequency
    primary_key: tuple[str, ...]
    columns: dict[str, OutputColumn]
    # Optional: a model may be classified stricter than its inputs, never laxer (see classify.py).
    grade: Grade | None = None
    sharing: Sharing | None = None
    opening: Opening | None = None
    sql: str = ""
    path: Path | None = None

    @field_validator("columns", mode="before")
    @classmethod
    def _titles(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: {"title": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("inputs")
    @classmethod
    def _some_inputs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("a model needs at least one input dataset")
        return value


def _describe(err: ValidationError) -> str:
    return "; ".join(
        f"field {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in err.errors()
    )


def load_model(meta_path: Path) -> Model:
    """Read `<id>.yaml` and the `<id>.sql` beside it; errors name the file and the field."""
    sql_path = meta_path.with_suffix(".sql")
    try:
        raw = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
        sql = sql_path.read_text(encoding="utf-8")
    except (OSError, yaml.YAMLError) as e:
        raise ModelError(f"{meta_path}: cannot read model: {e}") from e
    if not isinstance(raw, dict):
        raise ModelError(f"{meta_path}: model metadata is a YAML mapping, got {type(raw).__name__}")
    if "sql" in raw or "path" in raw:
        raise ModelError(f"{meta_path}: fields sql/path are taken from the files, do not declare them")
    try:
        model = Model.model_validate({**raw, "sql": sql, "path": meta_path})
    except ValidationError as e:
        raise ModelError(f"{meta_path}: {_describe(e)}") from None
    if model.id != meta_path.stem:
        raise ModelError(f"{meta_path}: field id: {model.id!r} must match the file name {meta_path.stem!r}")
    missing = [k for k in model.primary_key if k not in model.columns]
    if missing:
        raise ModelError(f"{meta_path}: primary_key names undeclared columns {missing}")
    return model


def load_models(folder: Path = MODELS_DIR) -> dict[str, Model]:
    """Every model in `folder`, keyed by id."""
    return {p.stem: load_model(p) for p in sorted(folder.glob("*.yaml"))}


def run_order(models: dict[str, Model]) -> list[str]:
    """Model ids so that every model comes after the models it reads; ModelError on a cycle."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(mid: str, trail: tuple[str, ...]) -> None:
        if state.get(mid) == "done":
            return
        if state.get(mid) == "visiting":
            raise ModelError(f"models read each other in a cycle: {' -> '.join((*trail, mid))}")
        state[mid] = "visiting"
        for dep in models[mid].inputs:
            if dep in models:
                visit(dep, (*trail, mid))
        state[mid] = "done"
        order.append(mid)

    for mid in sorted(models):
        visit(mid, ())
    return order
