"""`shucang quality ...`: validate a Parquet against its contract's suite, show scores, a load's
gates, a generated suite, feed lateness, and (re)build the Data Docs site. Thin: every command
calls a function of this package."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from contracts.contract import load_contracts


def _contract(dataset: str):  # type: ignore[no-untyped-def]
    contracts = load_contracts()
    if dataset not in contracts:
        raise click.BadParameter(f"unknown dataset {dataset!r}; known: {', '.join(sorted(contracts))}")
    return contracts[dataset]


@click.group()
def quality() -> None:
    """Quality: great_expectations suites from contracts, gates, scores, Data Docs."""


@quality.command("validate")
@click.argument("dataset")
@click.argument("parquet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--load-id", default=None, help="Load id to record (default: a new ad-hoc id).")
@click.option("--show", default=10, show_default=True, help="How many failures to print.")
def validate_cmd(dataset: str, parquet: Path, load_id: str | None, show: int) -> None:
    """Validate PARQUET (staged/addressed columns + _row) against DATASET's suite.

    Exits 1 when a gate blocks the load, like the pipeline refusing to publish it."""
    from quality.validate import validate_load

    contract = _contract(dataset)
    report = validate_load(contract, parquet, load_id=load_id or f"adhoc-{parquet.stem}")
    click.echo(f"{dataset}: {report.rows} rows, {report.failing_rows} failing "
               f"({report.failures.num_rows} failures), {report.warnings.num_rows} warnings, "
               f"score {report.score}")
    for f in [*report.failures.to_pylist(), *report.warnings.to_pylist()][:show]:
        click.echo(f"  row {f['_row']}: {f['severity']} {f['reason_code']}: {f['reason']}")
    for g in report.gates:
        click.echo(f"  gate {g.name}: {'ok' if g.passed else 'FAILED'} - {g.message}")
    click.echo(f"GX result: {report.result_path}")
    click.echo(f"Data Docs: {report.data_docs}")
    if report.blocking:
        sys.exit(1)


@quality.command("scores")
def scores_cmd() -> None:
    """The latest quality score of every validated dataset."""
    from quality.store import latest_scores

    for dataset, score in sorted(latest_scores().items()):
        click.echo(f"{dataset}\t{score:.2f}")


@quality.command("show")
@click.argument("load_id")
def show_cmd(load_id: str) -> None:
    """The stored validation of LOAD_ID: score, counts and every gate."""
    from quality.store import load_quality

    stored = load_quality(load_id)
    if stored is None:
        raise click.ClickException(f"load {load_id!r} has not been validated")
    click.echo(json.dumps(stored, ensure_ascii=False, indent=2, default=str))


@quality.command("suite")
@click.argument("dataset")
def suite_cmd(dataset: str) -> None:
    """Print the great_expectations suite generated from DATASET's contract (JSON)."""
    from quality.suite import build_suite

    click.echo(json.dumps(build_suite(_contract(dataset)).to_json_dict(), ensure_ascii=False,
                          indent=2))


@quality.command("lateness")
@click.argument("datasets", nargs=-1)
def lateness_cmd(datasets: tuple[str, ...]) -> None:
    """Is each feed (default: all) later than its declared update frequency? Exits 1 if any is."""
    from quality.gates import feed_lateness

    late = False
    for dataset in datasets or sorted(load_contracts()):
        gate = feed_lateness(_contract(dataset))
        late |= not gate.passed
        click.echo(f"{'LATE' if not gate.passed else 'ok  '} {gate.message}")
    if late:
        sys.exit(1)


@quality.command("docs")
@click.option("--rebuild", is_flag=True, help="Rebuild the whole site from the stored results.")
def docs_cmd(rebuild: bool) -> None:
    """Print the path of the Data Docs index (building the site if asked or missing)."""
    from quality.context import build_data_docs, data_docs_index

    index = data_docs_index()
    if rebuild or not index.exists():
        index = build_data_docs()
    click.echo(str(index))
