"""The dataset contract: one YAML file per dataset drives ingestion, typing, addresses, quality,
classification and masking. This module owns its schema and loading; it reads no data.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from contracts.categories import CategoryPath
from contracts.masks import check_fit
from foundation.settings import REPO_ROOT


class ContractError(ValueError):
    """A contract file is missing, unreadable or violates the contract schema."""


class Tier(StrEnum):
    province = "province"
    city = "city"
    district = "district"
    community = "community"


class Grade(StrEnum):
    """Sensitivity grade per Zhejiang DB33/T 2351-2021."""

    L1 = "L1"  # 不敏感
    L2 = "L2"  # 低敏感
    L3 = "L3"  # 较敏感
    L4 = "L4"  # 敏感


class Importance(StrEnum):
    """National importance per GB/T 43697-2024."""

    general = "一般"
    important = "重要"
    core = "核心"


class Sharing(StrEnum):
    """Sharing attribute per 国发〔2016〕51号."""

    unconditional = "无条件共享"
    conditional = "有条件共享"
    none = "不予共享"


class Opening(StrEnum):
    unconditional = "无条件开放"
    restricted = "受限开放"
    forbidden = "禁止开放"


class PiiKind(StrEnum):
    resident_id = "resident_id"
    phone = "phone"
    name = "name"
    address = "address"
    credit_code = "credit_code"
    birth_date = "birth_date"


ColumnType = Literal["string", "integer", "double", "date", "timestamp", "boolean"]
Frequency = Literal["15min", "hourly", "daily", "weekly", "monthly"]
FREQUENCY_SECONDS: dict[str, int] = {
    "15min": 900,
    "hourly": 3600,
    "daily": 86400,
    "weekly": 7 * 86400,
    "monthly": 31 * 86400,
}

CHECK_KINDS = {
    # kind: whether it takes an argument
    "regex": True,
    "in_set": True,
    "between": True,
    "after": True,  # this timestamp is not before the named column's
    "resident_id": False,
    "mobile": False,
    "credit_code": False,
    "not_future": False,
}


class Check(BaseModel):
    """One column check, written in YAML as a bare name (`mobile`) or a one-key map
    (`regex: '^\\d+$'`, `in_set: [...]`, `between: [1, 4]`, `after: reported_at`)."""

    model_config = ConfigDict(frozen=True)
    kind: str
    arg: Any = None

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"kind": value}
        if isinstance(value, dict) and "kind" not in value:
            if len(value) != 1:
                raise ValueError(f"a check is one name or a one-key map, got {value!r}")
            ((kind, arg),) = value.items()
            return {"kind": kind, "arg": arg}
        return value

    @model_validator(mode="after")
    def _known(self) -> Check:
        if self.kind not in CHECK_KINDS:
            raise ValueError(f"unknown check {self.kind!r}; known: {', '.join(sorted(CHECK_KINDS))}")
        if CHECK_KINDS[self.kind] and self.arg is None:
            raise ValueError(f"check {self.kind!r} needs an argument")
        if self.kind == "regex":
            try:
                re.compile(self.arg)
            except re.error as e:
                raise ValueError(f"regex {self.arg!r} does not compile: {e}") from None
        if self.kind == "between" and (not isinstance(self.arg, list) or len(self.arg) != 2):
            raise ValueError("between takes [min, max]")
        if self.kind == "in_set" and not isinstance(self.arg, list):
            raise ValueError("in_set takes a list")
        return self


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: str
    type: ColumnType
    source: str | None = None  # the header in the feed; defaults to `name`
    required: bool = False
    checks: tuple[Check, ...] = ()
    pii: PiiKind | None = None
    grade: Grade = Grade.L1
    mask: str | None = None  # default mask profile name when shared (see access)
    category: CategoryPath | None = None  # the column's own category where it differs from the dataset's
    description: str = ""

    @model_validator(mode="after")
    def _mask_fits(self) -> Column:
        if self.mask is not None:
            check_fit(self.mask, str(self.pii) if self.pii else None, f"column {self.name!r}")
        return self

    @property
    def source_name(self) -> str:
        return self.source or self.name


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["file", "http"]
    format: Literal["csv", "xlsx", "json"]
    location: str  # file glob relative to the feeds folder, or a path on the HTTP feed server
    encoding: Literal["auto", "utf-8", "gbk", "gb18030"] = "auto"
    schedule: str
    delimiter: str = ","
    sheet: str | None = None
    records_path: str = "data"  # where a JSON page keeps its records
    page_size: int = 500
    cursor_param: str | None = None  # query parameter that carries the incremental cursor


class AddressSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    column: str
    granularity: Literal["district", "street", "community", "building", "house"] = "community"
    min_match_rate: Annotated[float, Field(ge=0, le=1)] = 0.9


class Contract(BaseModel):
    """A dataset contract as written in `catalog/datasets/<id>.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: str
    description: str = ""
    version: int = 1
    tier: Tier
    owner: str  # owning department
    category: CategoryPath
    tags: tuple[str, ...] = ()
    source: Source
    primary_key: tuple[str, ...]
    cursor: str | None = None
    address: AddressSpec | None = None
    columns: tuple[Column, ...]
    grade: Grade
    importance: Importance = Importance.general
    sharing: Sharing
    opening: Opening
    update_frequency: Frequency

    @field_validator("columns")
    @classmethod
    def _unique_columns(cls, cols: tuple[Column, ...]) -> tuple[Column, ...]:
        seen: set[str] = set()
        for c in cols:
            if c.name in seen:
                raise ValueError(f"column {c.name!r} is declared twice")
            seen.add(c.name)
        return cols

    @model_validator(mode="after")
    def _references(self) -> Contract:
        names = {c.name for c in self.columns}
        for key in self.primary_key:
            if key not in names:
                raise ValueError(f"primary_key names unknown column {key!r}")
        if self.cursor and self.cursor not in names:
            raise ValueError(f"cursor names unknown column {self.cursor!r}")
        if self.address and self.address.column not in names:
            raise ValueError(f"address.column names unknown column {self.address.column!r}")
        for c in self.columns:
            for check in c.checks:
                if check.kind == "after" and check.arg not in names:
                    raise ValueError(f"column {c.name!r}: after names unknown column {check.arg!r}")
        worst = max((c.grade for c in self.columns), default=Grade.L1)
        if worst > self.grade:
            raise ValueError(f"grade {self.grade} is lower than its most sensitive column ({worst})")
        return self

    def column(self, name: str) -> Column:
        """The column called `name`."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.id} has no column {name!r}")


DATASETS_DIR = REPO_ROOT / "catalog" / "datasets"


def _describe(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        field = ".".join(str(p) for p in e["loc"]) or "(top level)"
        parts.append(f"field {field}: {e['msg']}")
    return "; ".join(parts)


def load_contract(path: Path) -> Contract:
    """Read and validate one contract file; errors name the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ContractError(f"{path}: cannot read contract: {e}") from e
    if not isinstance(raw, dict):
        raise ContractError(f"{path}: a contract is a YAML mapping, got {type(raw).__name__}")
    try:
        contract = Contract.model_validate(raw)
    except ValidationError as e:
        raise ContractError(f"{path}: {_describe(e)}") from None
    if contract.id != path.stem:
        raise ContractError(f"{path}: field id: {contract.id!r} must match the file name {path.stem!r}")
    return contract


def load_contracts(folder: Path = DATASETS_DIR) -> dict[str, Contract]:
    """All contracts in `folder`, keyed by dataset id."""
    return {p.stem: load_contract(p) for p in sorted(folder.glob("*.yaml"))}


def contracts_for_tier(tier: Tier | str, folder: Path = DATASETS_DIR) -> list[Contract]:
    """The contracts of one tier, in id order."""
    return [c for c in load_contracts(folder).values() if c.tier == Tier(tier)]
