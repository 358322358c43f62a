"""The spine's commands: `shucang feeds ...`, `contracts check`, `loads list`, `quarantine show`,
`warehouse query`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

# piped output (CI logs, `make demo | tee`) gets room for the tables instead of 80 columns
console = Console(width=None if sys.stdout.isatty() else 160)


def fail(message: str) -> None:
    """Print an error and exit non-zero."""
    console.print(f"[bold red]error:[/] {message}")
    sys.exit(1)


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=False)


def print_rows(title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A rich table of `rows` restricted to `columns`."""
    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*["" if r.get(c) is None else str(r.get(c)) for c in columns])
    console.print(table)


def sample_feeds(out: Path, scale: float, seed: int) -> Any:
    """Generate the sample feeds under `out` with a progress bar per step; return the summary."""
    from feeds.sample.generate import generate

    with progress_bar() as bar:
        tasks: dict[str, Any] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        return generate(out, scale=scale, seed=seed, progress=progress)


@click.group()
def feeds() -> None:
    """Feeds: generate samples, serve the HTTP feed, run a dataset's load."""


def valid_contracts() -> dict[str, Any]:
    """The valid contracts by id, after a warning for each problem of the broken ones."""
    from contracts.contract import read_contracts

    loaded = read_contracts()
    for problem in loaded.problems:
        console.print(f"[bold yellow]warning:[/] {problem.left_out}", highlight=False)
    return loaded.contracts


@feeds.command("list")
def feeds_list() -> None:
    """Every dataset contract with its tier, source and classification (a broken contract is
    named in a warning and left out)."""
    columns = ["dataset", "title", "tier", "source", "format", "grade", "sharing"]
    rows = [{"dataset": c.id, "title": c.title, "tier": c.tier.value, "source": c.source.kind,
             "format": c.source.format, "grade": c.grade.value, "sharing": c.sharing.value}
            for c in valid_contracts().values()]
    print_rows("datasets", rows, columns)


@feeds.command("sample")
@click.option("--scale", default=1.0, show_default=True, help="Multiply the default row counts.")
@click.option("--seed", type=int, default=None, help="Random seed (default: the generator's own).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder to write into (default: $SHUCANG_FEEDS).")
def feeds_sample(scale: float, seed: int | None, out: Path | None) -> None:
    """Write seeded sample feeds for every contract (real NBS divisions, realistic dirt)."""
    from feeds.sample.generate import DEFAULT_SEED
    from foundation.settings import settings

    out = out or settings().feeds
    summary = sample_feeds(out, scale, DEFAULT_SEED if seed is None else seed)
    console.print(f"sample feeds written to [bold]{out}[/]")
    console.print(summary)


@feeds.command("serve")
@click.option("--port", default=8765, show_default=True)
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Generated HTTP data folder (default: $SHUCANG_FEEDS/http).")
def feeds_serve(port: int, data: Path | None) -> None:
    """Serve the city tier's paginated JSON feeds on 127.0.0.1 until interrupted."""
    from feeds.http_server import serve
    from foundation.settings import settings

    console.print(f"serving http://127.0.0.1:{port} (Ctrl-C to stop)")
    serve(data or settings().feeds / "http", port=port)


@feeds.command("run")
@click.argument("datasets", nargs=-1)
@click.option("--tier", help="Run every dataset of this tier.")
def feeds_run(datasets: tuple[str, ...], tier: str | None) -> None:
    """Land, stage, address, validate and publish DATASETS now, in this process."""
    from feeds.errors import LoadRejected
    from shucang.pipeline import run_feed

    known = valid_contracts()
    ids = list(datasets) + ([c.id for c in known.values() if c.tier == tier] if tier else [])
    if not ids:
        fail("name at least one dataset, or --tier")
    unknown = [d for d in ids if d not in known]
    if unknown:
        fail(f"unknown dataset(s) {', '.join(unknown)}; see `shucang feeds list`")
    failed = False
    with progress_bar() as bar:
        task = bar.add_task("loading", total=len(ids))
        for dataset in ids:
            bar.update(task, description=f"loading {dataset}")
            try:
                ref = run_feed(dataset)
                msg = f"load {ref['load_id']} published" if ref else "nothing new"
                console.print(f"[green]{dataset}[/]: {msg}")
            except LoadRejected as e:
                failed = True
                console.print(f"[red]{dataset}[/]: {e.reason_code}: {e.message}")
            bar.advance(task)
    if failed:
        sys.exit(1)


@click.group()
def contracts() -> None:
    """Dataset contracts: check them before they reach a feed, the catalog or a DAG."""


@contracts.command("check")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def contracts_check(files: tuple[Path, ...]) -> None:
    """Validate FILES (default: every contract of the contracts folder) and list every problem of
    every file at once, with its field and a hint. Exits 1 if any file has a problem."""
    from contracts.contract import read_contracts

    loaded = read_contracts(files=list(files) or None)
    checked = len(loaded.contracts) + len(loaded.broken)
    for file in loaded.broken:
        console.print(f"[bold red]{file}[/]", highlight=False)
        for p in (p for p in loaded.problems if p.file == file):
            column = f"column {p.column}, " if p.column else ""
            console.print(f"  {column}field [bold]{p.field}[/]: {p.message}", highlight=False)
            if p.hint:
                console.print(f"    hint: {p.hint}", highlight=False)
    if loaded.problems:
        console.print(f"{len(loaded.problems)} problem(s) in {len(loaded.broken)} of {checked} contract(s)")
        sys.exit(1)
    tiers = sorted({c.tier.value for c in loaded.contracts.values()})
    console.print(f"{checked} contract(s) valid ({', '.join(tiers) or 'no tiers'})")


@click.group()
def loads() -> None:
    """The load ledger."""


@loads.command("list")
@click.option("--dataset")
@click.option("--limit", default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def loads_list(dataset: str | None, limit: int, as_json: bool) -> None:
    """Recent loads with status and row counts (rows_in = published + quarantined)."""
    from control.ledger import list_loads

    rows = list_loads(dataset, limit)
    if as_json:
        click.echo(json.dumps(rows, default=str, ensure_ascii=False, indent=2))
        return
    print_rows("loads", rows, ["load_id", "dataset", "status", "files", "rows_in", "rows_published",
                               "rows_quarantined", "reason"])


@click.group("quarantine")
def quarantine_group() -> None:
    """Rows held back from publishing, with their reasons."""


@quarantine_group.command("show")
@click.argument("dataset")
@click.option("--load", "load_id", help="Only this load.")
@click.option("--reason", help="Only this reason code (e.g. cast, check:resident_id).")
@click.option("--limit", default=50, show_default=True)
def quarantine_show(dataset: str, load_id: str | None, reason: str | None, limit: int) -> None:
    """Quarantined rows of DATASET: file, line, column, raw value and reason, plus counts by reason."""
    import duckdb

    from warehouse import quarantine

    table = quarantine.read(dataset, load_id)
    if table.num_rows == 0:
        console.print(f"no quarantined rows for {dataset}")
        return
    where = "WHERE reason_code = $r" if reason else ""
    params = {"r": reason} if reason else {}
    con = duckdb.connect()
    con.register("q", table)
    counts = con.execute(f"SELECT reason_code, count(*) AS n FROM q {where} GROUP BY 1 ORDER BY 2 DESC",
                         params).fetchall()
    print_rows(f"{dataset}: quarantined by reason", [{"reason_code": c, "rows": n} for c, n in counts],
               ["reason_code", "rows"])
    cur = con.execute(f"SELECT load_id, stage, source_file, line, \"column\", raw_value, reason_code, reason"
                      f" FROM q {where} ORDER BY load_id, source_file, line LIMIT {int(limit)}", params)
    names = [d[0] for d in cur.description]
    print_rows(f"{dataset}: rows", [dict(zip(names, r, strict=True)) for r in cur.fetchall()], names)


@click.group()
def warehouse() -> None:
    """The DuckDB warehouse."""


@warehouse.command("query")
@click.argument("sql")
@click.option("--json", "as_json", is_flag=True, help="Print JSON rows instead of a table.")
@click.option("--limit", default=100, show_default=True)
def warehouse_query(sql: str, as_json: bool, limit: int) -> None:
    """Run read-only SQL on the warehouse (views over the published snapshots)."""
    import duckdb

    from warehouse.query import ReadOnlyQueryError, query

    try:
        names, rows = query(sql, limit=limit)
    except (ReadOnlyQueryError, duckdb.Error) as e:
        fail(str(e))
        return
    if as_json:
        click.echo(json.dumps([dict(zip(names, r, strict=True)) for r in rows], default=str,
                              ensure_ascii=False, indent=2))
        return
    print_rows(f"{len(rows)} row(s)", [dict(zip(names, r, strict=True)) for r in rows], names)
