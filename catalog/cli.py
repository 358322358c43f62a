"""`shucang catalog list|show|search|report|dcat` and `shucang backflow run`: the catalog's
command line. Thin: every command calls a function of the catalog package and prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from catalog.entry import CatalogEntry, build_catalog, find_entry
from contracts.contract import read_contracts
from contracts.schema import SchemaColumn
from foundation.table import render


def _catalog() -> list[CatalogEntry]:
    """The catalog, after a warning on stderr for each broken contract (its dataset is left out)."""
    loaded = read_contracts()
    for problem in loaded.problems:
        click.echo(f"warning: {problem.left_out}", err=True)
    return build_catalog(contracts=loaded)


def _line(e: CatalogEntry) -> str:
    rows = f"{e.rows:>9}" if e.rows is not None else "        —"
    return f"{e.id:<28} {e.kind:<8} {e.tier:<9} {e.grade:<3} {rows}  {e.category:<14} {e.title}"


def _hours(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds / 60:.0f} 分钟" if seconds < 3600 else f"{seconds / 3600:.1f} 小时"


COLUMN_HEADER = ["列名", "类型", "分级", "重要性", "PII", "掩码", "类别", "层级", "来源部门", "地址粒度",
                 "更新周期", "标题", "来源"]


def _column_row(c: SchemaColumn, lineage: dict[str, Any] | None) -> list[str]:
    """One data item of `catalog show`: its classification and, for models, where it comes from."""
    src = f"<- {', '.join(lineage['sources']) or '(row count)'}" if lineage else ""
    return [c.name, c.type or "", str(c.grade), c.importance, c.pii or "—", c.mask or "—", c.category, c.tier,
            c.owner, c.address_granularity or "—", c.update_frequency, c.title, src]


@click.group("catalog")
def catalog() -> None:
    """Find datasets: what exists, how fresh and clean it is, who may use it and who does."""


@catalog.command("list")
@click.option("--tier", help="only this tier (province, city, district, community)")
@click.option("--category", help="only this category, first level (人口) or full (人口/户籍人口)")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
def list_(tier: str | None, category: str | None, as_json: bool) -> None:
    """Every dataset: contracts, derived models and other published datasets."""
    entries = [
        e
        for e in _catalog()
        if (not tier or e.tier == tier)
        and (not category or e.category == category or e.category.split("/")[0] == category)
    ]
    if as_json:
        click.echo(json.dumps([e.as_json() for e in entries], ensure_ascii=False, indent=2))
        return
    click.echo(f"{'dataset':<28} {'kind':<8} {'tier':<9} {'grd':<3} {'rows':>9}  {'category':<14} title")
    for e in entries:
        click.echo(_line(e))


@catalog.command("show")
@click.argument("dataset")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of text")
def show(dataset: str, as_json: bool) -> None:
    """One dataset's catalog entry, live facts and column lineage."""
    from catalog.facts import gather

    entries = _catalog()
    try:
        e = find_entry(entries, dataset)
    except KeyError as err:
        raise click.ClickException(str(err.args[0])) from None
    f = gather([e])[0]
    if as_json:
        out = {
            **e.as_json(),
            "facts": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in f.__dict__.items()},
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"{e.title} ({e.id})  资源代码 {e.resource_code}")
    click.echo(f"  {e.summary}")
    click.echo(f"  提供方 {e.provider} | 类别 {e.category} | 层级 {e.tier} | 更新周期 {e.update_frequency}")
    click.echo(
        f"  分级 {e.grade} | 重要性 {e.importance} | {e.sharing} | {e.opening}"
        f" | 地址粒度 {e.address_granularity or '—'} | PII {', '.join(e.pii_kinds) or '—'}"
    )
    click.echo(
        f"  格式 {', '.join(e.formats)} | 发布 {e.publish_date or '未发布'}"
        f" | 行数 {e.rows if e.rows is not None else '—'}"
    )
    click.echo(
        f"  及时性 {f.timeliness} | 声明周期 {_hours(f.declared_seconds)}"
        f" | 实际间隔 {_hours(f.actual_seconds)} | 距上次发布 {_hours(f.age_seconds)}"
    )
    click.echo(
        f"  质量分 {f.quality_score if f.quality_score is not None else '—'}"
        f" | 授权 {f.active_grants} | 查询 {f.queries}"
        f" | 地址匹配率 {f.match_rate if f.match_rate is not None else '—'}"
    )
    if e.inputs:
        click.echo(f"  输入 {', '.join(e.inputs)}")
    click.echo("  信息项:")
    for line in render(COLUMN_HEADER, [_column_row(c, e.lineage.get(c.name)) for c in e.data_items], "    "):
        click.echo(line)


@catalog.command("search")
@click.argument("query", nargs=-1, required=True)
def search_(query: tuple[str, ...]) -> None:
    """Search titles, tags, categories, columns, descriptions: words and synonyms (老人 finds
    老年人, 车位 finds 泊位); every term must match; the last column says why each scored."""
    from catalog.search import search

    hits = search(_catalog(), " ".join(query))
    if not hits:
        raise click.ClickException(f"nothing matches {' '.join(query)!r}")
    click.echo("\n".join(render(["得分", "数据集", "标题", "类别", "层级", "分级", "得分说明"],
                      [[f"{h.score:g}", h.entry.id, h.entry.title, h.entry.category, h.entry.tier,
                        h.entry.grade, h.explain()] for h in hits])))


@catalog.command("report")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="folder to write to (default: $SHUCANG_HOME/reports/catalog/<ISO week>)",
)
def report(out: Path | None) -> None:
    """Write the weekly report: report.html (charts), datasets.csv, quarantine.csv, summary.md."""
    from catalog.report import write_report

    for kind, path in write_report(out).items():
        click.echo(f"{kind:<15} {path}")


@catalog.command("dcat")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="file (default: stdout)")
@click.option("--base-uri", default="https://data.example.gov.cn/shucang", show_default=True)
def dcat(out: Path | None, base_uri: str) -> None:
    """Export the catalog as DCAT-AP JSON-LD."""
    from catalog.dcat import to_jsonld

    text = json.dumps(to_jsonld(_catalog(), base_uri), ensure_ascii=False, indent=2)
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(str(out))
    else:
        click.echo(text)


@click.group("backflow")
def backflow() -> None:
    """Send community-collected datasets back to the upper platform (UTF-8 CSV + manifest)."""


@backflow.command("run")
@click.argument("datasets", nargs=-1)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="root folder (default: $SHUCANG_HOME/backflow)",
)
def backflow_run(datasets: tuple[str, ...], out: Path | None) -> None:
    """Export each community dataset's current snapshot once (all of them without arguments)."""
    from catalog.backflow import BackflowError, run_backflow

    try:
        results = run_backflow(list(datasets) or None, out)
    except BackflowError as err:
        raise click.ClickException(str(err)) from None
    for r in results:
        click.echo(f"{r.dataset:<24} {r.status:<11} {r.rows:>8}  {r.path or ''}")
