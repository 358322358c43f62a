"""`shucang demo`: generate the sample feeds, build the address registry, serve the HTTP feed, run
every tier's real DAG with `dag.test()` on the embedded Airflow, then show what happened to every
row. Running it again with the same feeds lands nothing new and changes nothing."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from foundation.settings import settings
from shucang.commands import console, print_rows, sample_feeds


@contextlib.contextmanager
def _output_to(log: Path) -> Iterator[None]:
    """Send this process's stdout and stderr (file descriptors too) to `log` for a while."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with log.open("a") as f:
        os.dup2(f.fileno(), 1)
        os.dup2(f.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def dataset_summary() -> list[dict[str, Any]]:
    """Per dataset: loads by status, rows in/published/quarantined and the top quarantine reasons."""
    import duckdb
    from sqlalchemy import func, select

    from contracts.contract import load_contracts
    from control.db import engine
    from control.ledger import loads
    from warehouse import quarantine

    with engine().connect() as c:
        agg = c.execute(select(
            loads.c.dataset, func.count(), func.sum(loads.c.rows_in), func.sum(loads.c.rows_published),
            func.sum(loads.c.rows_quarantined),
            func.sum((loads.c.status == "rejected").cast(loads.c.files.type)),
        ).group_by(loads.c.dataset)).all()
    by_ds = {r[0]: r[1:] for r in agg}
    con = duckdb.connect()
    con.register("q", quarantine.read())
    reasons: dict[str, list[tuple[str, int]]] = {}
    for ds, code, n in con.execute(
            "SELECT dataset, reason_code, count(*) FROM q GROUP BY ALL ORDER BY 1, 3 DESC").fetchall():
        reasons.setdefault(ds, []).append((code, n))
    rows = []
    for ds, contract in load_contracts().items():
        n, rin, pub, qua, rejected = by_ds.get(ds, (0, 0, 0, 0, 0))
        top = ", ".join(f"{code} {k}" for code, k in reasons.get(ds, [])[:4])
        rows.append({"dataset": ds, "tier": contract.tier.value, "loads": n, "rejected": rejected or 0,
                     "rows_in": rin or 0, "published": pub or 0, "quarantined": qua or 0,
                     "top reasons": top})
    return rows


def _build_registry() -> str:
    from address_registry.registry import build_registry

    version, manifest = build_registry()
    counts = dict(manifest["counts"])  # type: ignore[call-overload]
    return f"registry v{version}: " + ", ".join(f"{k} {v}" for k, v in counts.items())


def _downstream() -> str:
    """What the asset-scheduled DAGs do after the tiers publish, called directly: the derived SQL
    models, the community backflow export, the catalog report; plus the demo organisations so a
    street can request data in the portal straight away."""
    from access.seed import seed_city
    from catalog.backflow import run_backflow
    from catalog.report import write_report
    from transforms.runner import run_models

    models = run_models(only_if_changed=True)
    flowed = run_backflow()
    report = write_report()
    users = seed_city()
    published = [r.model for r in models if r.status == "published"]
    return (f"derived models published: {', '.join(published) or 'none (inputs unchanged)'}\n"
            f"backflow exports: {len(flowed)} community datasets\n"
            f"catalog report: {report['html']}\n"
            f"portal users seeded: {', '.join(u['user'] for u in users)}"
            " (uv run shucang portal serve; see the access section of README.md)")


@click.command()
@click.option("--scale", default=1.0, show_default=True, help="Sample size multiplier.")
@click.option("--fresh/--keep", default=True, show_default=True,
              help="Start from an empty SHUCANG_HOME (default) or keep earlier loads.")
def demo(scale: float, fresh: bool) -> None:
    """Generate sample feeds and run every tier's DAG end to end on the embedded defaults."""
    s = settings()
    started = time.monotonic()
    if fresh and s.home.exists():
        for child in ("landing", "staging", "quarantine", "exports", "grants", "registry",
                      "warehouse.duckdb", "control.db", "control.db-wal", "control.db-shm"):
            path = s.home / child
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    s.home.mkdir(parents=True, exist_ok=True)
    from shucang import airflow_env

    airflow_env.configure()  # before anything imports Airflow, which reads its config once
    from feeds.http_server import start_in_thread, stop

    console.rule("1. sample feeds")
    from feeds.sample.generate import DEFAULT_SEED

    sample_feeds(s.feeds, scale, DEFAULT_SEED)
    console.rule("2. address registry")
    console.print(_build_registry())
    console.rule("3. local HTTP feed and embedded Airflow")
    server, base_url = start_in_thread(s.feeds / "http", port=0)
    os.environ["SHUCANG_HTTP_BASE"] = base_url
    console.print(f"city-brain JSON feed serving at {base_url}")
    env = airflow_env.prepare()
    console.print(f"Airflow metadata: {env['AIRFLOW__DATABASE__SQL_ALCHEMY_CONN']}")
    console.rule("4. tier DAGs (dag.test)")
    from shucang.dag_factory import TIER_SCHEDULES

    log_dir = s.airflow_home / "demo-logs"
    try:
        for tier in TIER_SCHEDULES:
            t0 = time.monotonic()
            log = log_dir / f"shucang_{tier}.log"
            with _output_to(log):
                result = airflow_env.run_tier_dag(tier)
            states: dict[str, int] = {}
            for _task, _idx, state in result["tasks"]:
                states[state] = states.get(state, 0) + 1
            console.print(f"shucang_{tier}: run {result['state']} in {time.monotonic() - t0:.0f}s "
                          f"(task instances: {', '.join(f'{k} {v}' for k, v in sorted(states.items()))});"
                          f" log {log}")
    finally:
        stop(server)
    console.rule("5. derived datasets, backflow, catalog report, sharing set-up")
    console.print(_downstream())
    console.rule("6. what happened to every row")
    rows = dataset_summary()
    print_rows("rows in = published + quarantined (rejected loads hold back all their rows)", rows,
               list(rows[0]))
    console.print(f"warehouse   {s.warehouse}   (shucang warehouse query \"SELECT ...\")")
    console.print(f"exports     {s.exports}/<dataset>/manifest.json")
    console.print(f"quarantine  {s.quarantine}   (shucang quarantine show <dataset>)")
    console.print(f"ledger      {s.control_url}   (shucang loads list)")
    console.print(f"done in {time.monotonic() - started:.0f}s")
