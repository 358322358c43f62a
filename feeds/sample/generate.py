"""`generate()`: build the world, render every dataset's feed files under the output folder where
its contract's `source.location` expects them, write the registry sources, and catalogue every
planted dirt (dirt.json) and every address string written (registry/address_truth.parquet).

Owns the orchestration and the two catalogues; it removes and rewrites only the folders it
generates (one per dataset, plus http/ and registry/).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from contracts.contract import Contract, load_contracts
from feeds.sample import city, community, department, district, province, registry
from feeds.sample.context import Context
from feeds.sample.excel import write_workbook
from feeds.sample.model import FeedFile, anchor_day
from feeds.sample.world import build_world
from feeds.sample.writers import write_csv, write_json, write_parquet, write_sqlite

Progress = Callable[[str, int, int], None]
DEFAULT_SEED = 20231

# dataset -> builder, in the order feeds are generated (occupancy needs the lots).
BUILDERS: dict[str, Callable[[Context], list[FeedFile]]] = {
    "household_register": province.household_register,
    "market_entity": province.market_entity,
    "parking_lot": city.parking_lot,
    "grid_event": district.grid_event,
    "floating_population": district.floating_population,
    "elderly_care": community.elderly_care,
    "timebank_volunteer": community.timebank_volunteer,
    "rental_housing": community.rental_housing,
    "care_home_beds": department.care_home_beds,
    "resident_evaluation": community.resident_evaluation,
    "iot_water_level": community.iot_water_level,
    "iot_elevator_fault": community.iot_elevator_fault,
}
ADDRESS_TRUTH_SCHEMA = pa.schema(
    [
        ("dataset", pa.string()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("column", pa.string()),
        ("address", pa.string()),
        ("variant", pa.string()),
        ("granularity", pa.string()),
        ("house_key", pa.string()),
        ("building_key", pa.string()),
        ("estate_key", pa.string()),
        ("community_code", pa.string()),
    ]
)


class SampleError(RuntimeError):
    """The sample could not be generated (e.g. a contract the generator has no builder for)."""


@dataclass(frozen=True)
class SampleSummary:
    """What `generate` wrote: files and rows per dataset, dirt entries and the catalogues."""

    out: Path
    seed: int
    scale: float
    files: dict[str, list[Path]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    dirt_entries: int = 0
    addresses: int = 0
    registry: dict[str, Path] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # contracts without a sample builder

    @property
    def dirt_path(self) -> Path:
        return self.out / "dirt.json"


def _check_shape(feed: FeedFile) -> None:
    """Every cell a builder filled must be a column of the contract (catches contract drift)."""
    known = {c.source_name for c in feed.contract.columns}
    for n, row in enumerate(feed.rows, start=1):
        unknown = set(row.values) - known
        if unknown:
            raise SampleError(
                f"{feed.dataset}/{feed.name} row {n}: the builder fills {sorted(unknown)}, which the "
                f"contract's columns do not declare (sources: {sorted(known)}); update feeds/sample"
            )


def _write(feed: FeedFile, out: Path) -> tuple[Path, list[int]]:
    _check_shape(feed)
    path = out / feed.folder / feed.name
    fmt = feed.contract.source.format
    if fmt == "csv":
        return path, write_csv(feed, path)
    if fmt == "xlsx":
        return path, write_workbook(feed, path)
    if fmt == "parquet":  # a sql source: a table of an embedded department database
        return path, write_sqlite(feed, path)
    return path, write_json(feed, path)


def _catalogue(feed: FeedFile, lines: list[int], dirt: list[dict], truth: list[dict]) -> None:
    """Append the file's dirt entries and the truth of every address string it holds."""
    where = {"dataset": feed.dataset, "file": feed.name}
    for kind, expect in feed.file_dirt:
        dirt.append({**where, "line": None, "kind": kind, "expect": expect})
    for row, line in zip(feed.rows, lines, strict=True):
        for kind, expect in row.all_dirt():
            dirt.append({**where, "line": line, "kind": kind, "expect": expect})
        for use in row.addresses:
            t = use.rendered.truth
            truth.append(
                {
                    **where,
                    "line": line,
                    "column": use.column,
                    "address": use.rendered.text,
                    "variant": use.rendered.variant,
                    "granularity": t.granularity,
                    "house_key": t.house_key,
                    "building_key": t.building_key,
                    "estate_key": t.estate_key,
                    "community_code": t.community_code,
                }
            )


def _clean(out: Path, folders: set[str]) -> None:
    for folder in sorted(folders):
        shutil.rmtree(out / folder, ignore_errors=True)


def generate(
    out: Path,
    scale: float = 1,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    contracts: dict[str, Contract] | None = None,
) -> SampleSummary:
    """Write the sample feed of every contract (default: the catalog's) that has a builder, the
    registry sources and the dirt/address catalogues under `out`. The same seed and scale give
    byte-identical files; contracts without a builder are listed in `summary.skipped`."""
    if scale <= 0:
        raise SampleError(f"scale must be positive, got {scale}")
    contracts = load_contracts() if contracts is None else contracts
    report = progress or (lambda step, done, total: None)
    total = len(contracts) + 2
    report("world", 0, total)
    ctx = Context(build_world(seed), contracts, seed, float(scale), anchor_day())
    out.mkdir(parents=True, exist_ok=True)
    dirt: list[dict] = []
    truth: list[dict] = []
    summary = SampleSummary(out, seed, float(scale))
    _clean(out, {FeedFile(c, "", []).folder for c in contracts.values()} | {"registry"})
    done = 0
    for dataset, build in BUILDERS.items():
        if dataset not in contracts:
            continue
        feeds = build(ctx)
        batches = [(dataset, feeds)]
        if dataset == "parking_lot" and "parking_berth_occupancy" in contracts:
            batches.append(("parking_berth_occupancy", city.parking_berth_occupancy(ctx, feeds)))
        for name, files in batches:
            for feed in files:
                path, lines = _write(feed, out)
                summary.files.setdefault(name, []).append(path)
                summary.rows[name] = summary.rows.get(name, 0) + len(feed.rows)
                _catalogue(feed, lines, dirt, truth)
            done += 1
            report(name, done, total)
    summary.registry.update(registry.write_sources(ctx.world, out / "registry", seed))
    done += 1
    report("registry", done, total)
    dirt.sort(key=lambda d: (d["dataset"], d["file"], d["line"] or 0, d["kind"]))
    summary.dirt_path.write_text(json.dumps(dirt, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    truth_path = out / "registry" / "address_truth.parquet"
    write_parquet(truth, ADDRESS_TRUTH_SCHEMA, truth_path)
    summary.registry["address_truth"] = truth_path
    report("catalogues", total, total)
    return dataclasses.replace(
        summary,
        dirt_entries=len(dirt),
        addresses=len(truth),
        skipped=sorted(set(contracts) - set(summary.files)),
    )
