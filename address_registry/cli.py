"""`shucang address ...` (parse and match free text) and `shucang registry ...` (build the merged
registry, show it, work the review queue). Thin wrappers over the package's functions."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict
from pathlib import Path

import click
import pyarrow as pa


@click.group()
def address() -> None:
    """Parse and match addresses against the standard address registry (标准地址库)."""


@address.command("parse")
@click.argument("text")
def parse_cmd(text: str) -> None:
    """Print every level of TEXT as parsed (JSON), e.g. shucang address parse "西湖区文三路12号"."""
    from address_registry import parse

    parsed = asdict(parse(text))
    click.echo(json.dumps(parsed, ensure_ascii=False, indent=2))


def _read_addresses(path: Path, column: str | None) -> list[str | None]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        values: list[str | None] = table.column(column or table.column_names[0]).to_pylist()
        return values
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            name = column or (reader.fieldnames or [""])[0]
            if name not in (reader.fieldnames or []):
                raise click.BadParameter(f"{path} has no column {name!r}; columns: "
                                         f"{', '.join(reader.fieldnames or [])}")
            return [row[name] for row in reader]
    return list(path.read_text(encoding="utf-8").splitlines())


@address.command("match")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--column", help="Column holding the address (CSV/Parquet; default: the first).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the matches here (.parquet or .csv) instead of printing CSV.")
def match_cmd(file: Path, column: str | None, out: Path | None) -> None:
    """Match every distinct address in FILE (one per line, or a CSV/Parquet column)."""
    from address_registry import match_many

    table = match_many(pa.array(_read_addresses(file, column), pa.string()))
    if out is not None and out.suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, out)
    else:
        import pyarrow.csv as pacsv

        sink = out if out is not None else sys.stdout.buffer
        pacsv.write_csv(table, sink)
    levels: dict[str, int] = {}
    for level in table.column("match_level").to_pylist():
        levels[level] = levels.get(level, 0) + 1
    click.echo(f"{table.num_rows} distinct addresses: "
               + ", ".join(f"{k} {v}" for k, v in sorted(levels.items())), err=True)


@click.group()
def registry() -> None:
    """Build the merged address registry and work its review queue."""


@registry.command("build")
@click.option("--source", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with doorplates.csv, placenames.csv, footprints.geojson "
                   "(default: SHUCANG_FEEDS/registry).")
def build_cmd(source: Path | None) -> None:
    """Merge the sources into a new registry version (codes stay stable across builds)."""
    from address_registry.registry import build_registry
    from address_registry.sources import SourceError

    try:
        version, manifest = build_registry(source)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from exc
    counts = manifest["counts"]
    assert isinstance(counts, dict)
    click.echo(f"registry v{version}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@registry.command("show")
def show_cmd() -> None:
    """The current version, its counts and the conflict rules that fired."""
    from collections import Counter

    from address_registry import store

    try:
        version, tables, manifest = store.read_version()
    except store.RegistryNotBuilt as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"registry v{version} built {manifest['built_at']}")
    for name, count in manifest["counts"].items():  # type: ignore[attr-defined]
        click.echo(f"  {name:10} {count}")
    rules = Counter(tables["conflicts"].column("rule").to_pylist())
    for rule, n in rules.most_common():
        click.echo(f"  conflict x{n}: {rule}")


@registry.command("review")
@click.option("--accept", "accept_id", type=int, help="Accept review ID (adds an alias).")
@click.option("--reject", "reject_id", type=int, help="Reject review ID.")
@click.option("--code", help="Estate code to accept (default: the top candidate).")
@click.option("--by", default="cli", show_default=True, help="Who decided.")
@click.option("--limit", default=20, show_default=True)
def review_cmd(accept_id: int | None, reject_id: int | None, code: str | None, by: str,
               limit: int) -> None:
    """List pending reviews with their candidates, or accept/reject one."""
    from address_registry.review import ReviewError, decide, pending

    try:
        if accept_id is not None:
            r = decide(accept_id, True, code, by)
            click.echo(f"review {r.review_id} accepted: {r.spelling} -> {r.chosen_code}")
            return
        if reject_id is not None:
            r = decide(reject_id, False, by=by)
            click.echo(f"review {r.review_id} rejected: {r.spelling}")
            return
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc
    reviews = pending(limit)
    if not reviews:
        click.echo("no pending reviews")
    for r in reviews:
        click.echo(f"#{r.review_id} {r.spelling!r} (e.g. {r.example[:60]!r}, registry "
                   f"v{r.registry_version})")
        for c in r.candidates:
            click.echo(f"    {c['estate_code']}  {c['name']}  score {c['score']}")
