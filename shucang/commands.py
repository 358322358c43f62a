"""The spine's commands: `shucang feeds ...`, `contracts check`, `loads list`, `quarantine show`,
`warehouse query|sync`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

# piped output (CI logs, `make demo | tee`) gets room for the tables instead of 80 columns
console = Console(width=None if sys.stdout.isatty() else 160)


def fail(message: str) -> NoReturn:
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
        console.print(f"[bold yellow]warning:[/] {problem.left_out}", highlight=False, soft_wrap=True)
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
    from control.lease import LeaseHeld
    from feeds.errors import LoadRejected
    from shucang.pipeline import LoadFailed, run_feed

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
            except (LoadFailed, LeaseHeld) as e:
                failed = True
                console.print(f"[red]{dataset}[/]: {e}")
            bar.advance(task)
    if failed:
        sys.exit(1)


@feeds.command("subscribe")
@click.argument("dataset")
@click.option("--batches", type=int, default=None,
              help="Stop after this many micro-batches (default: run until interrupted).")
def feeds_subscribe(dataset: str, batches: int | None) -> None:
    """Keep landing DATASET's MQTT micro-batches until interrupted: each batch (the contract's
    batch_messages or batch_seconds) is published before its messages are acknowledged."""
    import time

    from feeds.errors import LoadRejected
    from shucang.pipeline import run_feed
    from sources.base import FeedUnavailable
    from sources.mqtt import MqttSource

    contract = valid_contracts().get(dataset)
    if contract is None:
        fail(f"unknown dataset {dataset}; see `shucang feeds list`")
    if not isinstance(contract.source, MqttSource):
        fail(f"{dataset} is a {contract.source.kind} source; `feeds subscribe` is for mqtt sources"
             " (`feeds run` runs the others)")
    done = 0
    try:
        while batches is None or done < batches:
            done += 1
            try:
                ref = run_feed(dataset)
                if ref:
                    console.print(f"[green]{dataset}[/]: load {ref['load_id']} published")
            except LoadRejected as e:
                console.print(f"[red]{dataset}[/]: {e.reason_code}: {e.message}")
            except FeedUnavailable as e:
                console.print(f"[yellow]{dataset}[/]: {e}; retrying in 10 s")
                time.sleep(10)
    except KeyboardInterrupt:
        console.print(f"{dataset}: stopped; unacknowledged messages wait at the broker")


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
@click.option("--unfinished", is_flag=True,
              help="Only loads stopped before a terminal state (crashed, failed, or running now).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def loads_list(dataset: str | None, limit: int, unfinished: bool, as_json: bool) -> None:
    """Recent loads with status and row counts (rows_in = published + quarantined). An unfinished
    load shows its last completed step, its error and who holds its dataset now: `stuck` when
    nobody does (the next run of the dataset resumes it)."""
    from control import lease, ledger

    rows = (ledger.unfinished_loads(dataset)[-limit:][::-1] if unfinished
            else ledger.list_loads(dataset, limit))
    for row in rows:
        if row["status"] not in ledger.TERMINAL:
            held = lease.current(row["dataset"])
            row["held_by"] = held["holder"] if held else "stuck"
    if as_json:
        click.echo(json.dumps(rows, default=str, ensure_ascii=False, indent=2))
        return
    print_rows("loads", rows, ["load_id", "dataset", "status", "step", "files", "rows_in",
                               "rows_published", "rows_quarantined", "reason", "error", "held_by"])


@loads.command("resume")
@click.argument("load_id")
def loads_resume(load_id: str) -> None:
    """Run the remaining steps of unfinished load LOAD_ID now, after its last completed step."""
    from control.lease import LeaseHeld
    from feeds.errors import LoadRejected
    from shucang.pipeline import LoadFailed, LoadFinished, resume_load

    try:
        ref = resume_load(load_id)
    except KeyError as e:
        fail(str(e.args[0]))
        return
    except LoadRejected as e:
        fail(f"load {load_id}: {e.reason_code}: {e.message}")
        return
    except (LoadFinished, LoadFailed, LeaseHeld) as e:
        fail(str(e))
        return
    console.print(f"load {load_id} " + ("published" if ref else "finished with nothing to publish"))


@loads.command("abandon")
@click.argument("load_id")
@click.option("--reason", required=True, help="Why the load is given up (kept with its rows).")
def loads_abandon(load_id: str, reason: str) -> None:
    """Give up unfinished load LOAD_ID: it becomes rejected:abandoned and all its rows are counted
    as quarantined with REASON. Its files stay landed, so the same bytes are not loaded again."""
    from control.lease import LeaseHeld
    from shucang.pipeline import LoadFinished, abandon_load

    try:
        abandon_load(load_id, reason)
    except KeyError as e:
        fail(str(e.args[0]))
        return
    except (LoadFinished, LeaseHeld) as e:
        fail(str(e))
        return
    console.print(f"load {load_id} abandoned: {reason}")


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


@warehouse.command("migrate")
def warehouse_migrate() -> None:
    """Move the published datasets of a home made before the lake onto it (same rows, a new
    snapshot each); datasets already on the lake are left alone."""
    from warehouse.migrate import migrate_home

    moved = migrate_home()
    for m in moved:
        console.print(f"{m.dataset}: {m.rows} rows, snapshot {m.replaced} -> {m.snapshot_id}")
    console.print(f"migrated {len(moved)} dataset(s)")


@warehouse.command("compact")
@click.argument("datasets", nargs=-1)
def warehouse_compact(datasets: tuple[str, ...]) -> None:
    """Rewrite the small data files of DATASETS (default: every published dataset) into one once
    there are more than SHUCANG_COMPACT_FILES, and files mostly deleted without their deleted rows:
    a new snapshot with the same rows; the kept earlier snapshots read as before. A dataset a load
    is working on is left alone (busy); one that fails is named and the others are done (exit 1)."""
    from shucang.upkeep import UpkeepFailed, compact_published, raise_failures

    done = compact_published(list(datasets) or None)
    for u in done:
        console.print(u.line())
    console.print(f"compacted {sum(u.status == 'compacted' for u in done)} dataset(s)")
    try:
        raise_failures(done)
    except UpkeepFailed as e:
        raise click.ClickException(str(e)) from e


@warehouse.command("sync")
@click.option("--wait", default=30.0, show_default=True,
              help="Seconds to wait for warehouse.duckdb while another process holds it.")
def warehouse_sync(wait: float) -> None:
    """Point every dataset's view at the snapshot its manifest names (after a publish left the
    view sync pending, e.g. while a DuckDB CLI held the file)."""
    from warehouse.views import sync_views

    done = sync_views(wait=wait)
    if done.pending:
        fail(done.pending)
    names = f": {', '.join(done.repointed)}" if done.repointed else ""
    console.print(f"repointed {len(done.repointed)} view(s){names}; dropped {len(done.dropped)}")
