"""`shucang transforms list|run|lineage|sql`: derived datasets from the command line."""

from __future__ import annotations

import click

from transforms.model import load_models, run_order


@click.group("transforms")
def transforms() -> None:
    """Derived datasets: SQL models in transforms/models/ run over published snapshots."""


@transforms.command("list")
def list_() -> None:
    """Every model in run order, with its inputs."""
    models = load_models()
    for mid in run_order(models):
        m = models[mid]
        click.echo(f"{mid:<28} {m.update_frequency:<7} {m.title}  <- {', '.join(m.inputs)}")


@transforms.command("run")
@click.argument("models", nargs=-1)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="spark: transpile with sqlglot and run on pyspark local mode",
)
@click.option("--if-changed", is_flag=True, help="skip models whose inputs have not changed")
def run(models: tuple[str, ...], engine: str, if_changed: bool) -> None:
    """Run the named models (all without arguments) and publish their results."""
    from transforms.model import ModelError
    from transforms.runner import MissingInputError, ModelOutputError, run_models

    try:
        results = run_models(list(models) or None, engine, only_if_changed=if_changed)  # type: ignore[arg-type]
    except (MissingInputError, ModelError, ModelOutputError) as err:
        raise click.ClickException(str(err)) from None
    for r in results:
        click.echo(
            f"{r.model:<28} {r.status:<10} {r.engine:<7} {r.rows:>8} rows  {r.seconds:6.2f}s  {r.snapshot_id}"
        )


@transforms.command("lineage")
@click.argument("model")
def lineage(model: str) -> None:
    """Column lineage of a model: each output column and the input columns it comes from."""
    from contracts.contract import load_contracts
    from transforms.classify import classify_all

    models = load_models()
    if model not in models:
        raise click.ClickException(f"no model {model!r}; models: {', '.join(sorted(models))}")
    cls = classify_all(load_contracts(), models)[model]
    click.echo(f"{model}: grade {cls.grade} (strictest input), {cls.sharing}, {cls.opening}")
    for col in cls.columns:
        lin = cls.lineage[col.name]
        how = "copy" if lin.direct else "computed"
        srcs = ", ".join(f"{d}.{c}" for d, c in lin.sources) or "(row count)"
        click.echo(f"  {col.name:<24} {col.grade:<3} {how:<9} <- {srcs}")


@transforms.command("sql")
@click.argument("model")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="spark", show_default=True)
def sql(model: str, engine: str) -> None:
    """Print a model's SQL as the engine runs it (Spark: the sqlglot transpilation)."""
    models = load_models()
    if model not in models:
        raise click.ClickException(f"no model {model!r}; models: {', '.join(sorted(models))}")
    if engine == "duckdb":
        click.echo(models[model].sql)
        return
    from transforms.spark_engine import to_spark_sql

    click.echo(to_spark_sql(models[model].sql, model))
