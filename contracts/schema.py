"""The columns a dataset is published with, known before any data arrives: the contract's columns
(typed) + `_load_id` + the standard address columns for contracts with an `address:`. Each column
carries its full classification: grade, PII kind, default mask, category, tier, source department,
address granularity, update frequency and importance. Once a dataset is published, its manifest's
`schema` is the truth (warehouse.manifest); this module is what lineage and the catalog use until
then.
It reads contracts only, never data.

Inheritance: a column takes its dataset's category unless it declares its own; tier, source
department, update frequency and importance are always its dataset's. Address granularity is the
level an address column pinpoints (community_code -> community, house_code -> house, lon/lat ->
building, the address text column -> the contract's declared granularity); other columns have none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from contracts.categories import lookup
from contracts.contract import Contract, Grade
from contracts.masks import PSEUDONYM

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "double": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "boolean": "BOOLEAN",
}


class AddressColumn(NamedTuple):
    """A standard address column added by the address stage: name, contract type, title, whether it
    pinpoints the address, and the granularity it pinpoints."""

    name: str
    type: str
    title: str
    pinpoints: bool
    granularity: str | None


# Columns that pinpoint a house or building take the grade and PII kind of the address column they
# were matched from, and where that column is masked by default they are pseudonymized by default (a
# text mask does not fit a code or a coordinate); division codes and match facts are not sensitive on
# their own. lon/lat are the matched building's coordinates.
ADDRESS_COLUMNS: tuple[AddressColumn, ...] = (
    AddressColumn("district_code", "string", "区县代码", False, "district"),
    AddressColumn("street_code", "string", "街道（乡镇）代码", False, "street"),
    AddressColumn("community_code", "string", "社区（村）代码", False, "community"),
    AddressColumn("building_code", "string", "楼幢代码", True, "building"),
    AddressColumn("house_code", "string", "房屋代码", True, "house"),
    AddressColumn("lon", "double", "经度", True, "building"),
    AddressColumn("lat", "double", "纬度", True, "building"),
    AddressColumn("match_level", "string", "地址匹配级别", False, None),
    AddressColumn("match_confidence", "double", "地址匹配置信度", False, None),
)
ADDRESS_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in ADDRESS_COLUMNS)
# The contract type of each standard address column, by name.
ADDRESS_TYPES: dict[str, str] = {c.name: c.type for c in ADDRESS_COLUMNS}
# The granularity each standard address column pinpoints, by name.
ADDRESS_GRANULARITY: dict[str, str] = {c.name: c.granularity for c in ADDRESS_COLUMNS if c.granularity}

# Every staged and published row keeps where it came from: its row id in the load (file index x
# stride + line), the landed file, the line in it, and the load. Name -> contract type.
BOOKKEEPING: dict[str, str] = {"_row": "integer", "_file": "string", "_line": "integer",
                               "_load_id": "string"}


@dataclass(frozen=True)
class DatasetTags:
    """The classification every column of a dataset inherits unless it has its own."""

    category: str  # "一级/二级"
    tier: str
    owner: str  # source department
    update_frequency: str
    importance: str  # GB/T 43697: 一般 / 重要 / 核心

    @classmethod
    def of_contract(cls, contract: Contract) -> DatasetTags:
        """The tags a contract declares for its dataset."""
        return cls(contract.category, str(contract.tier), contract.owner, contract.update_frequency,
                   str(contract.importance))

    def column(self, name: str, type: str, title: str, grade: Grade = Grade.L1, pii: str | None = None,
               mask: str | None = None, *, category: str | None = None,
               address_granularity: str | None = None) -> SchemaColumn:
        """A column of this dataset: its own category if it has one, else the dataset's."""
        return SchemaColumn(name, type, title, grade, pii, mask, category or self.category, self.tier,
                            self.owner, address_granularity, self.update_frequency, self.importance)


@dataclass(frozen=True)
class SchemaColumn:
    """One published column with its classification."""

    name: str
    type: str
    title: str
    grade: Grade = Grade.L1
    pii: str | None = None
    mask: str | None = None
    category: str = ""  # "一级/二级"
    tier: str = ""
    owner: str = ""  # source department
    address_granularity: str | None = None
    update_frequency: str = ""
    importance: str = ""

    @property
    def category_code(self) -> str | None:
        """The 4-digit code of the column's category item, or None if it names no node of the tree."""
        cat = lookup(self.category)
        return cat.code if cat else None

    def as_manifest(self) -> dict[str, object]:
        """The column as written in a manifest's `schema` list."""
        return {
            "name": self.name,
            "type": self.type,
            "title": self.title,
            "grade": str(self.grade),
            "pii": self.pii,
            "mask": self.mask,
            "category": self.category,
            "tier": self.tier,
            "owner": self.owner,
            "address_granularity": self.address_granularity,
            "update_frequency": self.update_frequency,
            "importance": self.importance,
        }


def published_schema(contract: Contract) -> list[SchemaColumn]:
    """The columns `contract`'s dataset is published with, in order."""
    tags = DatasetTags.of_contract(contract)
    address = contract.address
    cols = [
        tags.column(c.name, DUCKDB_TYPES[c.type], c.title, c.grade, str(c.pii) if c.pii else None, c.mask,
                    category=c.category,
                    address_granularity=address.granularity if address and address.column == c.name else None)
        for c in contract.columns
    ]
    cols.append(tags.column("_load_id", "VARCHAR", "批次号"))
    if address:
        src = cols[[c.name for c in contract.columns].index(address.column)]
        for a in ADDRESS_COLUMNS:
            grade, pii, mask = ((src.grade, src.pii, PSEUDONYM if src.mask else None) if a.pinpoints
                                else (Grade.L1, None, None))
            cols.append(tags.column(a.name, DUCKDB_TYPES[a.type], a.title, grade, pii, mask,
                                    address_granularity=a.granularity))
    return cols
