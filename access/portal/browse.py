"""The portal's catalog page: requestable datasets searched with the catalog's Chinese search
(`foundation.textsearch`, the fields `shucang catalog search` reads) and filtered by category,
owner, grade and tier. Reads contracts; writes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from access.scope import column_grade, column_titles, contracts, default_mask, published_columns, requestable
from contracts.contract import Contract
from foundation.textsearch import DATASET_WEIGHTS, dataset_fields, explain, rank

FILTERS = ("category", "owner", "grade", "tier")


def fields(c: Contract) -> dict[str, str]:
    """The searchable text of one contract, as the catalog search reads its entry (the published
    columns: the contract's and the standard address columns)."""
    return dataset_fields(c.id, c.title, c.tags, c.category, list(column_titles(c).items()), c.owner,
                          c.description)


def dataset(c: Contract) -> dict[str, Any]:
    """One requestable dataset as the pages show it, with every column a request can name (the
    contract's and, with an address, the standard address columns)."""
    titles = column_titles(c)
    return {"id": c.id, "title": c.title, "owner": c.owner, "grade": c.grade.value,
            "sharing": c.sharing.value, "category": c.category, "tier": c.tier.value,
            "has_address": c.address is not None, "description": c.description,
            "columns": [{"name": n, "title": titles[n], "grade": column_grade(c, n).value,
                         "mask": default_mask(c, n), "address": n not in {x.name for x in c.columns}}
                        for n in published_columns(c)]}


def requestable_datasets() -> list[dict[str, Any]]:
    """Every dataset a requester may ask for, by id."""
    return [dataset(c) for c in sorted(contracts().values(), key=lambda c: c.id) if requestable(c)]


@dataclass
class Browse:
    """The catalog page's result: the datasets shown, why each matched, the filter choices."""

    datasets: list[dict[str, Any]]
    query: str
    chosen: dict[str, str]
    choices: dict[str, list[str]] = field(default_factory=dict)


def _keeps(ds: Mapping[str, Any], chosen: Mapping[str, str]) -> bool:
    for name, value in chosen.items():
        if not value:
            continue
        if name == "category":
            if not (ds["category"] == value or ds["category"].startswith(f"{value}/")):
                return False
        elif ds[name] != value:
            return False
    return True


def browse(query: str = "", **chosen: str) -> Browse:
    """The requestable datasets matching `query` (every term, best first) and the filters."""
    known = contracts()
    everything = requestable_datasets()
    choices = {"category": sorted({d["category"].partition("/")[0] for d in everything}),
               "owner": sorted({d["owner"] for d in everything}),
               "grade": sorted({d["grade"] for d in everything}),
               "tier": sorted({d["tier"] for d in everything})}
    picked = {k: v for k, v in chosen.items() if k in FILTERS}
    kept = [d for d in everything if _keeps(d, picked)]
    if not query.strip():
        return Browse(kept, query, picked, choices)
    by_id = {d["id"]: d for d in kept}
    ranked = rank({i: fields(known[i]) for i in by_id}, DATASET_WEIGHTS, query)
    shown = [{**by_id[s.key], "score": s.score,
              "why": explain(s.matches)} for s in ranked]
    return Browse(shown, query, picked, choices)
