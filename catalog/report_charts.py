"""The charts of the weekly report as Vega-Lite specs (altair), rendered to static SVG with
vl-convert so the report needs no network or JavaScript at view time. Each chart keeps its spec
beside the SVG for anyone who wants to re-render it interactively."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

FONT = "Noto Sans CJK SC, WenQuanYi Zen Hei, Microsoft YaHei, sans-serif"
STATUS_COLORS = alt.Scale(domain=["及时", "滞后", "过期", "未发布"],
                          range=["#2e7d32", "#f9a825", "#c62828", "#9e9e9e"])
# Tableau 20 first (distinct, colour-blind aware); beyond twenty, hues a golden angle apart.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac", "#1f77b4", "#aec7e8", "#ff7f0e", "#2ca02c", "#98df8a", "#d62728",
           "#9467bd", "#c5b0d5", "#8c564b", "#e377c2")


def distinct_colors(n: int) -> list[str]:
    """`n` colours, no two alike."""
    extra = [f"hsl({(i * 137.508) % 360:.1f}, 65%, {45 + 10 * (i % 3)}%)"
             for i in range(max(0, n - len(PALETTE)))]
    return [*PALETTE[:n], *extra]


def dataset_colors(titles: list[str]) -> alt.Scale:
    """One distinct colour per dataset title, the same title the same colour in every chart."""
    domain = sorted(set(titles))
    return alt.Scale(domain=domain, range=distinct_colors(len(domain)))


@dataclass(frozen=True)
class Chart:
    """One rendered chart: a stable name, a title, its SVG and its Vega-Lite spec."""

    name: str
    title: str
    svg: str
    spec: dict  # type: ignore[type-arg]


def _svg(chart: alt.TopLevelMixin) -> tuple[str, dict]:  # type: ignore[type-arg]
    import vl_convert as vlc

    spec = chart.configure(font=FONT).to_dict()
    return vlc.vegalite_to_svg(spec), spec


def _render(name: str, title: str, chart: alt.TopLevelMixin) -> Chart:
    svg, spec = _svg(chart)
    return Chart(name, title, svg, spec)


def category_tier(df: pd.DataFrame) -> Chart:
    """Stacked bars: datasets per first-level category, coloured by tier."""
    c = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("datasets:Q", title="数据集数", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("category_top:N", title="类别", sort="-x"),
            color=alt.Color("tier_zh:N", title="层级"),
            tooltip=[alt.Tooltip("category_top", title="类别"), alt.Tooltip("tier_zh", title="层级"),
                     alt.Tooltip("datasets", title="数据集数")],
        )
        .properties(width=520, height=max(120, 26 * df["category_top"].nunique()))
    )
    return _render("category_tier", "各类别、各层级数据集数", c)


def freshness(df: pd.DataFrame) -> Chart:
    """Bars: age of last publish / declared interval per dataset, rule at the grace limit."""
    from catalog.facts import GRACE

    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("age_ratio:Q", title="距上次发布 / 声明更新周期"),
            y=alt.Y("title:N", title=None, sort="-x"),
            color=alt.Color("timeliness_zh:N", title="及时性", scale=STATUS_COLORS),
            tooltip=[alt.Tooltip("title", title="数据集"),
                     alt.Tooltip("age_hours", title="距上次发布（小时）"),
                     alt.Tooltip("declared_hours", title="声明周期（小时）"),
                     alt.Tooltip("timeliness_zh", title="及时性")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"x": [GRACE]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return _render(
        "freshness",
        "数据新鲜度（对照声明更新周期）",
        (bars + rule).properties(width=520, height=max(120, 22 * len(df))),
    )


def quality_trend(df: pd.DataFrame) -> Chart:
    """One point per load and a line per dataset: the load's quality score and the share of its
    rows published, one panel each."""
    c = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("at:T", title="入库时间（北京时间）", axis=alt.Axis(format="%m-%d %H:%M")),
            y=alt.Y("value:Q", title="0-100", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("title:N", title="数据集", scale=dataset_colors(list(df["title"]))),
            row=alt.Row("measure:N", title=None),
            tooltip=[alt.Tooltip("title", title="数据集"),
                     alt.Tooltip("at:T", title="时间", format="%Y-%m-%d %H:%M"),
                     alt.Tooltip("measure", title="指标"), alt.Tooltip("value", title="数值")],
        )
        .properties(width=520, height=160)
    )
    return _render("quality_trend", "质量趋势：每次入库的质量分与入库率", c)


def quarantine(df: pd.DataFrame) -> Chart:
    """Stacked bars: quarantined rows per reason code, coloured by dataset."""
    c = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("sum(rows):Q", title="隔离行数"),
            y=alt.Y("reason:N", title="原因", sort="-x"),
            color=alt.Color("title:N", title="数据集", scale=dataset_colors(list(df["title"]))),
            tooltip=[alt.Tooltip("title", title="数据集"), alt.Tooltip("reason", title="原因"),
                     alt.Tooltip("rows", title="行数")],
        )
        .properties(width=520, height=max(120, 24 * df["reason"].nunique()))
    )
    return _render("quarantine", "隔离原因", c)


def usage(df: pd.DataFrame) -> Chart:
    """Grouped bars per dataset: grants, queries, downloads and requesting streets."""
    c = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title="次数 / 个数", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("title:N", title=None),
            yOffset="measure_zh:N",
            color=alt.Color("measure_zh:N", title="指标"),
            tooltip=[alt.Tooltip("title", title="数据集"), alt.Tooltip("measure_zh", title="指标"),
                     alt.Tooltip("count", title="数值")],
        )
        .properties(width=520, height=max(120, 60 * df["dataset"].nunique()))
    )
    return _render("usage", "使用情况：授权、查询、下载与申请街道", c)


def match_rate(df: pd.DataFrame) -> Chart:
    """Stacked bars: share of each address dataset's rows per match level (unresolved last)."""
    c = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("sum(share):Q", title="行占比（按匹配级别）", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("title:N", title=None, sort=alt.EncodingSortField("match_rate", order="ascending")),
            color=alt.Color(
                "level_zh:N", title="匹配级别", sort=alt.EncodingSortField("order", order="ascending")
            ),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("title", title="数据集"), alt.Tooltip("level_zh", title="匹配级别"),
                     alt.Tooltip("rows", title="行数"), alt.Tooltip("share", title="占比")],
        )
        .properties(width=520, height=max(120, 22 * df["dataset"].nunique()))
    )
    return _render("match_rate", "标准地址匹配率（按匹配级别）", c)
