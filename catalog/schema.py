"""The columns a dataset is published with, known before any data arrives: the contract's columns
(typed) + `_load_id` + the standard address columns for contracts with an `address:`. Each column
carries its classification (grade, PII kind, default mask). Once a dataset is published, its
manifest's `schema` is the truth; this module is what lineage and the catalog use until then.
It reads contracts only, never data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalog.contract import Contract, Grade

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "double": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "boolean": "BOOLEAN",
}

# Address columns added by the address stage: (name, DuckDB type, title, pinpoints the address).
# Columns that pinpoint a house or building take the grade, PII kind and mask of the address
# column they were matched from; division codes and match facts are not sensitive on their own.
ADDRESS_COLUMNS: tuple[tuple[str, str, str, bool], ...] = (
    ("district_code", "VARCHAR", "区县代码", False),
    ("street_code", "VARCHAR", "街道（乡镇）代码", False),
    ("community_code", "VARCHAR", "社区（村）代码", False),
    ("building_code", "VARCHAR", "楼幢代码", True),
    ("house_code", "VARCHAR", "房屋代码", True),
    ("lon", "DOUBLE", "经度", True),
    ("lat", "DOUBLE", "纬度", True),
    ("match_level", "VARCHAR", "地址匹配级别", False),
    ("match_confidence", "DOUBLE", "地址匹配置信度", False),
)


@dataclass(frozen=True)
class SchemaColumn:
    """One published column with its classification."""

    name: str
    type: str
    title: str
    grade: Grade = Grade.L1
    pii: str | None = None
    mask: str | None = None

    def as_manifest(self) -> dict[str, object]:
        """The column as written in a manifest's `schema` list."""
        return {
            "name": self.name,
            "type": self.type,
            "title": self.title,
            "grade": str(self.grade),
            "pii": self.pii,
            "mask": self.mask,
        }


def published_schema(contract: Contract) -> list[SchemaColumn]:
    """The columns `contract`'s dataset is published with, in order."""
    cols = [
        SchemaColumn(c.name, DUCKDB_TYPES[c.type], c.title, c.grade, str(c.pii) if c.pii else None, c.mask)
        for c in contract.columns
    ]
    cols.append(SchemaColumn("_load_id", "VARCHAR", "批次号"))
    if contract.address:
        src = contract.column(contract.address.column)
        for name, typ, title, pinpoints in ADDRESS_COLUMNS:
            if pinpoints:
                cols.append(
                    SchemaColumn(name, typ, title, src.grade, str(src.pii) if src.pii else None, src.mask)
                )
            else:
                cols.append(SchemaColumn(name, typ, title))
    return cols


def manifest_schema(manifest: dict[str, Any]) -> list[SchemaColumn]:
    """The schema recorded in a published manifest, as SchemaColumns."""
    out = []
    for c in manifest.get("schema") or []:
        out.append(
            SchemaColumn(
                c["name"],
                c.get("type") or "VARCHAR",
                c.get("title") or c["name"],
                Grade(c.get("grade") or "L1"),
                c.get("pii"),
                c.get("mask"),
            )
        )
    return out
