"""The weekly catalog report: an HTML page with static SVG charts (datasets per category and tier,
freshness against declared frequency, quality trend, quarantine reasons, grants and usage, address
match rate), a CSV of every dataset's facts, a CSV of quarantine reasons and a Markdown summary,
written to reports/catalog/<ISO week>/ under SHUCANG_HOME. A chart whose source is absent or empty
is replaced by a note saying why; numbers are never invented."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd

from catalog import report_charts as charts
from catalog import report_data as data
from catalog.entry import build_catalog
from catalog.facts import (
    all_loads,
    audit_events,
    gather,
    grants_by_dataset,
    quality_history,
    quarantine_reasons,
    usage_by_dataset,
)
from contracts.wording import GRADE_ZH, TIER_ZH, TIMELINESS_ZH
from foundation.settings import settings


@dataclass
class Section:
    """One chart of the report, or the reason it is missing."""

    name: str
    title: str
    chart: charts.Chart | None = None
    note: str | None = None


@dataclass
class Report:
    """Everything the report shows, before it is written."""

    generated_at: dt.datetime
    week: str
    table: pd.DataFrame
    quarantine: pd.DataFrame
    sections: list[Section]
    summary: dict[str, int] = field(default_factory=dict)


def _section(
    name: str,
    title: str,
    df: pd.DataFrame,
    draw: Callable[[pd.DataFrame], charts.Chart],
    empty_note: str,
) -> Section:
    if df.empty:
        return Section(name, title, note=empty_note)
    return Section(name, title, chart=draw(df))


def build_report(now: dt.datetime | None = None, exports: Path | None = None) -> Report:
    """Gather entries, facts and the ledger, and render every chart."""
    now = now or dt.datetime.now(dt.UTC)
    entries = build_catalog(exports)
    titles = {e.id: e.title for e in entries}
    facts = gather(entries, now, exports)
    _, datasets_of = grants_by_dataset()
    table = data.datasets_table(entries, facts, usage_by_dataset(audit_events(), datasets_of))
    reasons = data.quarantine(quarantine_reasons(), titles)
    usage_note = "还没有授权、查询或下载"
    sections = [
        _section(
            "category_tier",
            "各类别、各层级数据集数",
            data.per_category_tier(table),
            charts.category_tier,
            "目录中还没有数据集",
        ),
        _section(
            "freshness",
            "数据新鲜度",
            data.freshness(table),
            charts.freshness,
            "还没有发布过数据集",
        ),
        _section(
            "quality_trend",
            "质量趋势",
            data.quality_trend(all_loads(), quality_history(), titles),
            charts.quality_trend,
            "还没有完成并计数的入库批次",
        ),
        _section("quarantine", "隔离原因", reasons, charts.quarantine, "没有被隔离的行"),
        _section("usage", "使用情况", data.usage(table), charts.usage, usage_note),
        _section(
            "match_rate",
            "标准地址匹配率",
            data.match_levels(entries, facts),
            charts.match_rate,
            "已发布的数据集还没有标准地址代码",
        ),
    ]
    published = table[table["rows"].notna()]
    summary = {
        "datasets": len(table),
        "published": len(published),
        "derived": int((table["kind"] == "derived").sum()),
        "rows": int(published["rows"].sum()) if len(published) else 0,
        "on_time": int((table["timeliness"] == "on_time").sum()),
        "late": int((table["timeliness"] == "late").sum()),
        "stale": int((table["timeliness"] == "stale").sum()),
        "quarantined_rows": int(reasons["rows"].sum()) if len(reasons) else 0,
    }
    return Report(now, data.week_label(now), table, reasons, sections, summary)


TEMPLATE = jinja2.Template(
    (Path(__file__).resolve().parent / "report.html.j2").read_text(encoding="utf-8"),
    autoescape=False,
)


def _fmt(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:g}"
    return str(value)


def render_html(r: Report) -> str:
    """The report as one self-contained HTML page."""

    def spec(chart: charts.Chart) -> str:
        return json.dumps(chart.spec, ensure_ascii=False, default=str).replace("</", "<\\/")

    safe = r.table.map(lambda v: html.escape(v) if isinstance(v, str) else v)
    return TEMPLATE.render(r=r, s=r.summary, rows=safe.to_dict("records"), spec=spec, fmt=_fmt,
                           generated=data.beijing(r.generated_at), tier_zh=TIER_ZH, grade_zh=GRADE_ZH,
                           timeliness_zh=TIMELINESS_ZH)


def render_markdown(r: Report) -> str:
    """A short Markdown summary for chat or mail."""
    s = r.summary
    lines = [
        f"# 数据目录周报 {r.week}",
        "",
        f"生成时间 {data.beijing(r.generated_at)}（北京时间）",
        "",
        f"- 数据集 {s['datasets']} 个，已发布 {s['published']} 个"
        f"（派生 {s['derived']} 个），共 {s['rows']} 行",
        f"- 及时 {s['on_time']}，滞后 {s['late']}，过期 {s['stale']}",
        f"- 隔离 {s['quarantined_rows']} 行",
    ]
    late = r.table[r.table["timeliness"].isin(["late", "stale"])]
    if len(late):
        lines += ["", "## 更新不及时", ""]
        lines += [
            f"- {x.title}：{TIMELINESS_ZH.get(str(x.timeliness), '未知')}，距上次发布 {x.age_hours} 小时，"
            f"声明周期 {x.declared_hours} 小时"
            for x in late.itertuples()
        ]
    if len(r.quarantine):
        top = r.quarantine.groupby("reason")["rows"].sum().sort_values(ascending=False).head(5)
        lines += ["", "## 主要隔离原因", ""] + [f"- {k}：{v} 行" for k, v in top.items()]
    missing = [sec for sec in r.sections if sec.chart is None]
    if missing:
        lines += ["", "## 未出图的部分", ""]
        lines += [f"- {sec.title}: {sec.note}" for sec in missing]
    return "\n".join(lines) + "\n"


def write_report(
    out_dir: Path | None = None, now: dt.datetime | None = None, exports: Path | None = None
) -> dict[str, Path]:
    """Build the report and write report.html, datasets.csv, quarantine.csv and summary.md."""
    r = build_report(now, exports)
    out = out_dir or settings().home / "reports" / "catalog" / r.week
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "html": out / "report.html",
        "csv": out / "datasets.csv",
        "quarantine_csv": out / "quarantine.csv",
        "markdown": out / "summary.md",
    }
    paths["html"].write_text(render_html(r), encoding="utf-8")
    r.table.to_csv(paths["csv"], index=False, encoding="utf-8")
    r.quarantine.to_csv(paths["quarantine_csv"], index=False, encoding="utf-8")
    paths["markdown"].write_text(render_markdown(r), encoding="utf-8")
    return paths
