"""What a request asks for and what a grant allows: datasets, columns with their masks, row scope
and period, and the classification rules that bound them. Pure validation against contracts; no
state and no data reads."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from access.divisions import CODE_LENGTH
from access.errors import ClassificationError, ScopeError
from contracts.contract import Contract, Grade, LoadedContracts, Sharing, contracts_dir, read_contracts
from contracts.masks import MASKS, MaskMisfit, check_fit
from contracts.schema import ADDRESS_COLUMN_NAMES, ADDRESS_COLUMNS, SchemaColumn, published_schema

# Published address columns (see warehouse publish) a row scope may filter on, coarse to fine.
SCOPE_COLUMNS = ("district_code", "street_code", "community_code")
MAX_PERIOD_DAYS = 366


def contracts() -> dict[str, Contract]:
    """Every valid dataset contract (a broken one is left out: see loaded_contracts)."""
    return loaded_contracts().contracts


def loaded_contracts() -> LoadedContracts:
    """The contracts and the problems of the broken ones, re-read only when a contract file
    changed (YAML parsing is slow)."""
    folder = contracts_dir()
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml")))
    return _contracts(folder, stamp)


@functools.lru_cache(maxsize=2)
def _contracts(folder: Path, stamp: tuple[tuple[str, int], ...]) -> LoadedContracts:
    return read_contracts(folder)


class DatasetScope(BaseModel):
    """Columns (name -> mask profile, None = as published) and row filters of one dataset."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    columns: dict[str, str | None]
    rows: dict[str, str] = Field(default_factory=dict)


class Scope(BaseModel):
    """A request's or grant's whole scope: datasets and the period of use."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    datasets: dict[str, DatasetScope]
    start: dt.date
    end: dt.date


def requestable(contract: Contract) -> bool:
    """Whether a dataset may be requested at all (不予共享 never)."""
    return contract.sharing != Sharing.none


def _address_column(contract: Contract, column: str) -> SchemaColumn:
    """A standard address column as the catalog classifies it: building and house codes and the
    coordinates take the grade of the address they pinpoint (one rule for manifests, catalog and
    grants)."""
    return next(c for c in published_schema(contract) if c.name == column)


def column_grade(contract: Contract, column: str) -> Grade:
    """The grade of a contract column or a published address column."""
    if column in ADDRESS_COLUMN_NAMES and contract.address is not None:
        return _address_column(contract, column).grade
    try:
        return contract.column(column).grade
    except KeyError:
        raise ScopeError(
            f"dataset {contract.id} has no column {column!r}; published columns: "
            f"{', '.join(published_columns(contract))}"
        ) from None


ADDRESS_TITLES = {c.name: c.title for c in ADDRESS_COLUMNS}


def column_titles(contract: Contract) -> dict[str, str]:
    """Chinese titles of every column a grant can name (contract and address columns)."""
    titles = {c.name: c.title for c in contract.columns}
    return {**titles, **ADDRESS_TITLES} if contract.address is not None else titles


def column_type(contract: Contract, column: str) -> str:
    """The contract type of a column (address codes are strings, coordinates doubles)."""
    if column in ADDRESS_COLUMN_NAMES:
        return "double" if column in ("lon", "lat", "match_confidence") else "string"
    return contract.column(column).type


def published_columns(contract: Contract) -> list[str]:
    """The columns a grant can name: the contract's plus the address columns when it has one."""
    names = [c.name for c in contract.columns]
    return names + list(ADDRESS_COLUMN_NAMES) if contract.address is not None else names


def column_pii(contract: Contract, column: str) -> str | None:
    """The PII kind of a contract column or a published address column (None: no PII)."""
    if column in ADDRESS_COLUMN_NAMES and contract.address is not None:
        return _address_column(contract, column).pii
    pii = contract.column(column).pii
    return str(pii) if pii else None


def default_mask(contract: Contract, column: str) -> str | None:
    """The mask a request gets when it names no mask: the contract's default for this column."""
    if column in ADDRESS_COLUMN_NAMES:
        return _address_column(contract, column).mask if contract.address is not None else None
    return contract.column(column).mask


def check_columns(contract: Contract, columns: Mapping[str, str | None]) -> None:
    """Raise unless every column exists, masks are known and fit the column's PII kind and type,
    L4 (L3 of 有条件共享) masked."""
    if not columns:
        raise ScopeError(f"dataset {contract.id}: name at least one column")
    for name, mask in columns.items():
        grade = column_grade(contract, name)
        if mask is not None:
            try:
                check_fit(mask, column_pii(contract, name), f"dataset {contract.id} column {name}")
            except MaskMisfit as e:
                raise ScopeError(f"{e}（脱敏方式与该列的个人信息类型不符）") from None
        kind = column_type(contract, name)
        if mask is not None and kind not in MASKS[mask].types:
            raise ScopeError(
                f"dataset {contract.id} column {name} ({kind}): mask {mask} applies to"
                f" {' or '.join(MASKS[mask].types)} columns; pseudonym applies to any"
            )
        if mask is None and grade == Grade.L4:
            raise ClassificationError(
                f"dataset {contract.id} column {name} is {grade} (敏感): it can only be granted"
                f" masked or pseudonymized (e.g. {default_mask(contract, name) or 'pseudonym'})"
            )
        if mask is None and grade == Grade.L3 and contract.sharing == Sharing.conditional:
            raise ClassificationError(
                f"dataset {contract.id} column {name} is L3 in 有条件共享 data: it needs a mask"
                f" (default {default_mask(contract, name) or 'pseudonym'})"
            )


def check_rows(contract: Contract, rows: Mapping[str, str], org: Mapping[str, object]) -> None:
    """Raise unless the row scope uses address codes inside the requester's area."""
    for key, code in rows.items():
        if key not in SCOPE_COLUMNS:
            raise ScopeError(
                f"dataset {contract.id}: row scope on {key!r}; allowed: {', '.join(SCOPE_COLUMNS)}"
            )
        if contract.address is None:
            raise ScopeError(f"dataset {contract.id} has no address columns to scope rows by")
        length = CODE_LENGTH[key.removesuffix("_code")]
        if not (isinstance(code, str) and code.isdigit() and len(code) == length):
            raise ScopeError(
                f"dataset {contract.id}: row scope {key}={code!r} is not a"
                f" {length}-digit division code"
            )
    own = org.get("division_code")
    if org.get("kind") in ("street", "community") and contract.address is not None:
        if not rows:
            raise ScopeError(
                f"dataset {contract.id}: a {org['kind']} may only request rows of its own"
                f" area; add a row scope such as street_code={own}"
            )
        for key, code in rows.items():
            if not code.startswith(str(own)):
                raise ScopeError(
                    f"dataset {contract.id}: row scope {key}={code} is outside your area {own}"
                )


def check_period(start: dt.date, end: dt.date) -> None:
    """Raise unless start <= end and the period is at most a year."""
    if end < start:
        raise ScopeError(f"period ends {end} before it starts {start}")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ScopeError(f"period {start}..{end} is longer than {MAX_PERIOD_DAYS} days")


def check_request(
    scope: Scope, contracts: Mapping[str, Contract], org: Mapping[str, object]
) -> None:
    """Every submission rule at once: datasets exist and are requestable, columns, rows, period."""
    if not scope.datasets:
        raise ScopeError("a request names at least one dataset")
    for name, ds in scope.datasets.items():
        contract = contracts.get(name)
        if contract is None:
            raise ScopeError(f"unknown dataset {name!r}; see `shucang requests catalog`")
        if not requestable(contract):
            raise ClassificationError(f"dataset {name} is 不予共享 and cannot be requested")
        check_columns(contract, ds.columns)
        check_rows(contract, ds.rows, org)
    check_period(scope.start, scope.end)


def _within(code: str, key: str, asked: Mapping[str, str]) -> bool:
    """Whether a granted row filter key=code lies inside every requested filter."""
    rank = SCOPE_COLUMNS.index(key)
    return all(SCOPE_COLUMNS.index(k) <= rank and code.startswith(v) for k, v in asked.items())


def check_narrowing(asked: DatasetScope, granted: DatasetScope, dataset: str) -> None:
    """Raise unless `granted` is `asked` or narrower: fewer columns, more masks, fewer rows."""
    extra = set(granted.columns) - set(asked.columns)
    if extra:
        raise ScopeError(
            f"dataset {dataset}: cannot grant columns that were not requested: "
            f"{', '.join(sorted(extra))}"
        )
    for col, mask in granted.columns.items():
        if mask is None and asked.columns[col] is not None:
            raise ScopeError(
                f"dataset {dataset} column {col}: requested with mask "
                f"{asked.columns[col]}, cannot be granted unmasked"
            )
    if asked.rows and not granted.rows:
        raise ScopeError(f"dataset {dataset}: the granted rows must stay inside {asked.rows}")
    for key, code in granted.rows.items():
        if not _within(code, key, asked.rows):
            raise ScopeError(
                f"dataset {dataset}: row scope {key}={code} is not inside the "
                f"requested {asked.rows}"
            )


def parse_columns(contract: Contract, spec: str) -> dict[str, str | None]:
    """`name:name,sex,resident_id` -> {column: mask}: a column without `:mask` gets the contract's
    default mask, `:raw` asks for it as published."""
    out: dict[str, str | None] = {}
    for item in filter(None, (s.strip() for s in spec.split(","))):
        name, _, mask = item.partition(":")
        column_grade(contract, name)  # raises ScopeError for unknown columns
        out[name] = None if mask == "raw" else (mask or default_mask(contract, name))
    return out


def parse_rows(spec: str) -> dict[str, str]:
    """`street_code=330106004` (comma-separated) -> {column: code}."""
    out = {}
    for item in filter(None, (s.strip() for s in spec.split(","))):
        key, sep, code = item.partition("=")
        if not sep:
            raise ScopeError(f"row scope {item!r}: write column=code, e.g. street_code=330106004")
        out[key.strip()] = code.strip()
    return out
