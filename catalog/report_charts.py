"""The charts of the weekly report as Vega-Lite specs (altair), rendered to static SVG with
vl-convert so the report needs no network or JavaScript at view time. Each chart keeps its spec
beside the SVG for anyone who wants to re-render it interactively."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

FONT = "Noto Sans CJK SC, WenQuanYi Zen Hei, Microsoft YaHei, sans-serif"
STATUS_COLORS = alt.Scale(domain=["on_time", "late", "stale"], range=["#2e7d32", "#f9a825", "#c62828"])


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
            tooltip=["category_top", "tier_zh", "datasets"],
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
            color=alt.Color("timeliness:N", title="及时性", scale=STATUS_COLORS),
            tooltip=["dataset", "age_hours", "declared_hours", "actual_hours", "timeliness"],
        )
    )
    rule = alt.Chart(pd.DataFrame({"x": [GRACE]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return _render(
        "freshness",
        "数据新鲜度（对照声明更新周期）",
        (bars + rule).properties(width=520, height=max(120, 22 * len(df))),
    )


def quality_trend(df: pd.DataFrame) -> Chart:
    """Lines per day: share of rows published (ledger) and mean quality score (quality)."""
    c = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("day:T", title="日期"),
            y=alt.Y("value:Q", title="比例 / 质量分（0-1）", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("measure:N", title="指标"),
            tooltip=["day", "measure", "value"],
        )
        .properties(width=520, height=220)
    )
    return _render("quality_trend", "质量趋势：每日入库率与质量分", c)


def quarantine(df: pd.DataFrame) -> Chart:
    """Stacked bars: quarantined rows per reason code, coloured by dataset."""
    c = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("sum(rows):Q", title="隔离行数"),
            y=alt.Y("reason_code:N", title="原因", sort="-x"),
            color=alt.Color("dataset:N", title="数据集"),
            tooltip=["dataset", "reason_code", "rows"],
        )
        .properties(width=520, height=max(120, 24 * df["reason_code"].nunique()))
    )
    return _render("quarantine", "隔离原因", c)


def usage(df: pd.DataFrame) -> Chart:
    """Grouped bars: active grants and queries per dataset."""
    c = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title="次数"),
            y=alt.Y("title:N", title=None),
            yOffset="measure:N",
            color=alt.Color("measure:N", title="指标"),
            tooltip=["dataset", "measure", "count"],
        )
        .properties(width=520, height=max(120, 40 * df["dataset"].nunique()))
    )
    return _render("usage", "授权与使用", c)


def match_rate(df: pd.DataFrame) -> Chart:
    """Stacked bars: share of each address dataset's rows per match level (unresolved last)."""
    c = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("sum(share):Q", title="行占比（按匹配级别）", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("title:N", title=None, sort=alt.EncodingSortField("match_rate", order="ascending")),
            color=alt.Color(
                "level:N", title="匹配级别", sort=alt.EncodingSortField("order", order="ascending")
            ),
            order=alt.Order("order:Q"),
            tooltip=["dataset", "level", "rows", "share", "match_rate"],
        )
        .properties(width=520, height=max(120, 22 * df["dataset"].nunique()))
    )
    return _render("match_rate", "标准地址匹配率（按匹配级别）", c)
