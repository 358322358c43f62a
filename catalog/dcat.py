"""DCAT-AP (v3) JSON-LD export of the catalog, so the bureau's entries can be harvested by any
DCAT portal. Frequencies, access rights and media types use the EU controlled vocabularies; the
Chinese catalog attributes with no DCAT term (共享属性, 开放属性, grade, importance, tier) go in the
`shucang:` namespace. Every data item (信息项) carries the same classification terms as its
dataset: theme (category), publisher (source department), accrual periodicity, tier, address
granularity, sensitivity grade and importance, plus its PII kind and default mask. It reads
catalog entries only."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from catalog.entry import CatalogEntry
from contracts.schema import SchemaColumn
from warehouse.manifest import DeleteFile, SnapshotFile

EU = "http://publications.europa.eu/resource/authority/"
FREQUENCY = {
    "15min": "15MIN",
    "hourly": "HOURLY",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
}
# 开放属性 -> EU access right.
ACCESS_RIGHTS = {"无条件开放": "PUBLIC", "受限开放": "RESTRICTED", "禁止开放": "NON_PUBLIC"}
PARQUET_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/application/vnd.apache.parquet"

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "shucang": "https://shucang.example.org/ns#",
}


def _zh(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "zh"}


def _date(iso: str | None) -> dict[str, str] | None:
    if not iso:
        return None
    return {"@value": dt.datetime.fromisoformat(iso).isoformat(), "@type": "xsd:dateTime"}


def _file_distribution(e: CatalogEntry, base_uri: str, f: SnapshotFile | DeleteFile,
                       title: str) -> dict[str, Any]:
    return {
        "@id": f"{base_uri}/dataset/{e.id}/{f.path}",
        "@type": "dcat:Distribution",
        "dct:title": _zh(title),
        "dcat:mediaType": {"@id": PARQUET_MEDIA_TYPE},
        "dct:format": {"@id": f"{EU}file-type/PARQUET"},
        "dcat:byteSize": {"@value": str(f.bytes), "@type": "xsd:nonNegativeInteger"},
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": f.sha256,
        },
        "dcat:accessURL": {"@id": f"{base_uri}/dataset/{e.id}"},
    }


def _distributions(e: CatalogEntry, base_uri: str) -> list[dict[str, Any]]:
    """One distribution per data file of the current snapshot and one per delete file: a data file
    with deletes names its delete file (`dct:requires`), whose (`file_path`, `pos`) rows are the
    0-based row positions of the data file a reader must skip."""
    if not e.manifest:
        return []
    out = []
    snapshot = e.manifest.snapshot_id
    for f in e.manifest.files:
        data = _file_distribution(e, base_uri, f, f"{e.title}（Parquet 快照 {snapshot}）")
        out.append(data)
        if f.deletes is not None:
            deletes = _file_distribution(e, base_uri, f.deletes, f"{e.title}（快照 {snapshot} 的删除文件）")
            deletes["dct:description"] = _zh(f"{f.path} 中已删除的行：读取时跳过 pos 列出的行号（从 0 起）")
            data["dct:requires"] = {"@id": deletes["@id"]}
            out.append(deletes)
    return out


class Classified(Protocol):
    """What a dataset and each of its data items are classified by."""

    @property
    def category(self) -> str: ...
    @property
    def category_code(self) -> str | None: ...
    @property
    def owner(self) -> str: ...
    @property
    def update_frequency(self) -> str: ...
    @property
    def tier(self) -> str: ...
    @property
    def address_granularity(self) -> str | None: ...
    @property
    def grade(self) -> str: ...
    @property
    def importance(self) -> str: ...


def _classification(x: Classified, base_uri: str) -> dict[str, Any]:
    """The classification terms shared by a dataset and each of its data items."""
    node: dict[str, Any] = {
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": _zh(x.owner)},
        "dcat:theme": {
            "@id": f"{base_uri}/category/{x.category_code or 'unclassified'}",
            "skos:prefLabel": _zh(x.category),
        },
        "shucang:sensitivityGrade": str(x.grade),
        "shucang:importance": x.importance,
        "shucang:tier": x.tier,
        "shucang:addressGranularity": x.address_granularity,
    }
    if x.update_frequency in FREQUENCY:
        node["dct:accrualPeriodicity"] = {"@id": f"{EU}frequency/{FREQUENCY[x.update_frequency]}"}
    return node


def data_item(c: SchemaColumn, base_uri: str) -> dict[str, Any]:
    """One column (信息项) with its full classification."""
    return {
        "shucang:name": c.name,
        "dct:title": _zh(c.title),
        "shucang:type": c.type,
        **_classification(c, base_uri),
        "shucang:pii": c.pii,
        "shucang:mask": c.mask,
    }


def dataset_node(e: CatalogEntry, base_uri: str) -> dict[str, Any]:
    """One catalog entry as a dcat:Dataset node."""
    node: dict[str, Any] = {
        "@id": f"{base_uri}/dataset/{e.id}",
        "@type": "dcat:Dataset",
        "dct:identifier": e.resource_code,
        "dct:title": _zh(e.title),
        "dct:description": _zh(e.summary or e.title),
        **_classification(e, base_uri),
        "dcat:keyword": [_zh(t) for t in e.tags],
        "dct:accessRights": {"@id": f"{EU}access-right/{ACCESS_RIGHTS.get(e.opening, 'NON_PUBLIC')}"},
        "dcat:distribution": _distributions(e, base_uri),
        "shucang:sharingAttribute": e.sharing,
        "shucang:openingAttribute": e.opening,
        "shucang:piiKinds": list(e.pii_kinds),
        "shucang:dataItem": [data_item(c, base_uri) for c in e.data_items],
    }
    if (issued := _date(e.publish_date)) is not None:
        node["dct:modified"] = issued
    if e.inputs:
        node["dct:source"] = [{"@id": f"{base_uri}/dataset/{i}"} for i in e.inputs]
    return node


def to_jsonld(
    entries: list[CatalogEntry],
    base_uri: str = "https://data.example.gov.cn/shucang",
    title: str = "数仓公共数据目录",
) -> dict[str, Any]:
    """The whole catalog as one DCAT-AP JSON-LD document."""
    return {
        "@context": CONTEXT,
        "@id": f"{base_uri}/catalog",
        "@type": "dcat:Catalog",
        "dct:title": _zh(title),
        "dct:language": {"@id": f"{EU}language/ZHO"},
        "dcat:themeTaxonomy": {"@id": f"{base_uri}/category"},
        "dcat:dataset": [dataset_node(e, base_uri) for e in entries],
    }
