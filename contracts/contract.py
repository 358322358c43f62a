"""The dataset contract: one YAML file per dataset drives ingestion, typing, addresses, quality,
classification and masking. This module owns its schema and loading; it reads no data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from contracts.categories import CategoryPath
from contracts.checks import CHECKS, AnyCheck, Check, Severity
from contracts.masks import check_fit
from contracts.problems import ContractProblem, from_validation, from_yaml_error
from foundation.settings import REPO_ROOT, value
from sources.base import SourceBase
from sources.registry import SOURCES, Source

log = logging.getLogger(__name__)


class ContractError(ValueError):
    """A contract file is missing, unreadable or violates the contract schema; `problems` lists
    every error found in it."""

    def __init__(self, problems: list[ContractProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


class SourceKindError(TypeError):
    """Code for one source kind was handed a contract whose source is another kind."""


S = TypeVar("S", bound=SourceBase)


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

class Column(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: str
    type: ColumnType
    source: str | None = None  # the header in the feed; defaults to `name`
    required: bool = False
    checks: tuple[AnyCheck, ...] = ()
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

    def severity(self, check: Check) -> Severity:
        """The severity of one of this column's checks: as written, else `warn` for a format check
        on an optional PII column (a landline in an optional phone column is published with a
        finding, not quarantined), else `error`."""
        if check.severity:
            return check.severity
        return "warn" if check.format and self.pii and not self.required else "error"

    @model_validator(mode="after")
    def _on_fail(self) -> Column:
        for check in self.checks:
            if check.on_fail != "set_null":
                continue
            if self.required:
                raise ValueError(f"check {check.kind}: on_fail: set_null cannot apply to a required column")
            if self.severity(check) != "warn":
                raise ValueError(f"check {check.kind}: on_fail: set_null needs severity: warn "
                                 "(an error quarantines the whole row)")
        return self


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
    # where the load runs: auto (Spark from SHUCANG_SPARK_MIN_BYTES landed bytes), duckdb or spark
    engine: Literal["auto", "duckdb", "spark"] = "auto"

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
                for other in check.columns():
                    if other not in names:
                        raise ValueError(f"column {c.name!r}: {check.kind} names unknown column {other!r}")
        if self.engine == "spark" and getattr(self.source, "format", None) != "csv":
            raise ValueError("engine: spark loads CSV files; this source is read by DuckDB only")
        worst = max((c.grade for c in self.columns), default=Grade.L1)
        if worst > self.grade:
            raise ValueError(f"grade {self.grade} is lower than its most sensitive column ({worst})")
        return self

    def source_of(self, kind: type[S]) -> S:
        """The contract's source as the model `kind`; SourceKindError if it is another kind."""
        if not isinstance(self.source, kind):
            raise SourceKindError(f"{self.id}: its source is {self.source.kind!r}, not "
                                  f"{kind.model_fields['kind'].default!r}")
        return self.source

    @property
    def extra_columns(self) -> str:
        """What a feed file with undeclared columns gets: refuse, ignore or keep."""
        if self.source.on_extra_columns:
            return self.source.on_extra_columns
        return "ignore" if self.sharing == Sharing.unconditional else "refuse"

    def column(self, name: str) -> Column:
        """The column called `name`."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.id} has no column {name!r}")


DATASETS_DIR = REPO_ROOT / "catalog" / "datasets"


def contracts_dir() -> Path:
    """The folder of the dataset contracts: $SHUCANG_CONTRACTS, else catalog/datasets."""
    got = value("SHUCANG_CONTRACTS")
    return Path(got).resolve() if got else DATASETS_DIR


def _fields_at(raw: dict[str, Any], path: list[int | str]) -> list[str]:
    """The field names a contract accepts at `path` (the mapping holding an unknown field)."""
    def fields(model: type[BaseModel]) -> list[str]:
        return sorted(model.model_fields)

    match path:
        case []:
            return fields(Contract)
        case ["source"]:
            source = raw.get("source")
            kind = source.get("kind") if isinstance(source, dict) else None
            return fields(SOURCES[kind]) if kind in SOURCES else []
        case ["address"]:
            return fields(AddressSpec)
        case ["columns", int()]:
            return fields(Column)
        case ["columns", int(), "checks", int()]:
            return sorted({f for cls in CHECKS.values() for f in cls.model_fields})
    return []


def _problems(path: Path) -> tuple[Contract | None, list[ContractProblem]]:
    """The contract in `path`, or None and every problem found in it."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        return None, [from_yaml_error(path, e)]
    if not isinstance(raw, dict):
        return None, [ContractProblem(path, "(file)",
                                      f"a contract is a YAML mapping, got {type(raw).__name__}",
                                      "start the file with `id: <dataset id>` and the other fields")]
    tier = raw.get("tier") if isinstance(raw.get("tier"), str) else None
    problems = []
    if raw.get("id") != path.stem:
        problems.append(ContractProblem(
            path, "id", f"{raw.get('id')!r} must match the file name {path.stem!r}",
            f"set id: {path.stem}, or rename the file to {raw.get('id')}.yaml"))
    try:
        contract = Contract.model_validate(raw)
    except ValidationError as e:
        problems += from_validation(path, raw, e, lambda p: _fields_at(raw, p))
        return None, [replace(p, tier=tier) for p in problems]
    return (None if problems else contract), [replace(p, tier=tier) for p in problems]


def load_contract(path: Path) -> Contract:
    """Read and validate one contract file; ContractError lists every problem, each naming the
    file and the field."""
    contract, problems = _problems(path)
    if contract is None:
        raise ContractError(problems)
    return contract


@dataclass(frozen=True)
class LoadedContracts:
    """The contracts of a folder that are valid, and the problems of those that are not: one bad
    contract is one bad feed, never a broken catalog."""

    contracts: dict[str, Contract]
    problems: list[ContractProblem] = field(default_factory=list)

    @property
    def broken(self) -> list[Path]:
        """The files with problems, in name order."""
        return sorted({p.file for p in self.problems})

    def problems_of_tier(self, tier: Tier | str) -> list[ContractProblem]:
        """The problems of broken files that declare `tier`, or no tier this catalog knows (such a
        file may belong to any tier)."""
        return [p for p in self.problems if p.tier == tier or p.tier not in set(Tier)]


def read_contracts(folder: Path | None = None, files: list[Path] | None = None) -> LoadedContracts:
    """Every contract in `folder` (default contracts_dir()), or just `files`: the good ones by id
    and the problems of the bad."""
    good: dict[str, Contract] = {}
    problems: list[ContractProblem] = []
    for path in files if files is not None else sorted((folder or contracts_dir()).glob("*.yaml")):
        contract, found = _problems(path)
        problems += found
        if contract is not None:
            good[contract.id] = contract
    return LoadedContracts(good, problems)


def load_contracts(folder: Path | None = None) -> dict[str, Contract]:
    """The valid contracts in `folder`, keyed by dataset id; each broken one is logged and left
    out (see read_contracts for its problems)."""
    loaded = read_contracts(folder)
    for problem in loaded.problems:
        log.warning("contract left out: %s", problem)
    return loaded.contracts


def contracts_for_tier(tier: Tier | str, folder: Path | None = None) -> list[Contract]:
    """The valid contracts of one tier, in id order."""
    return [c for c in load_contracts(folder).values() if c.tier == Tier(tier)]
