"""Plotly figures of the report pages: one color per government level, role and servant group, sorted
bars, exact counts on hover and small cells marked "<5" (the one rule of pipelines.disclosure.suppress).
The page frame (header, tables, footer, how a figure is shown) is pipelines.report.page.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import plotly.graph_objects as go
import polars as pl

from pipelines.disclosure.suppress import is_small as is_suppressed
from pipelines.report import labels
from pipelines.report.page import Page, style

__all__ = ["Page", "bar", "donut", "line", "stacked", "style"]

LEVEL_COLORS = {"national": "#1f4e79", "regional": "#2a9d8f", "local": "#e9c46a", "unknown": "#9e9e9e",
                "total": "#4d4d4d", "all": "#4d4d4d"}
ROLE_COLORS = {"PS": "#6a3d9a", "S": "#d1495b", "OS": "#f4a261", "CA": "#8d99ae"}
GROUP_COLORS = {"PO": "#264653", "PM": "#d1495b", "CA": "#8d99ae", "not_determined": "#c7c7c7",
                "excluded": "#e6e6e6"}
REGIME_COLORS = {"dl276": "#1f4e79", "dl728": "#2a9d8f", "cas": "#e9c46a", "pmc": "#6a3d9a", "law30057": "#d1495b",
                 "special_career": "#8d99ae", "other": "#bdbdbd", "unknown": "#9e9e9e"}
STATUS_COLORS = {"breach": "#c0392b", "within": "#2e8b57", "unknown": "#bdbdbd"}
NEUTRAL = "#1f4e79"
ACCENT = "#d1495b"


def bar(page: Page, names: Sequence[str], values: Sequence[float | int | None], *, title: str,
        value_title: str, colors: Sequence[str] | str = NEUTRAL, horizontal: bool = True, sort: bool = True,
        percent_of_total: bool = True, value_format: Callable[[float | int], str] = labels.number,
        counts: Sequence[int | None] | None = None, hover_extra: Sequence[str] | None = None,
        axis_format: str = ",", last: Sequence[str] = (), height: int | None = None,
        hidden: Sequence[bool] | None = None) -> go.Figure:
    """Sorted bars with exact values on hover (and share of total). A bar whose people count
    (`counts`, or the values themselves when they are integer counts) is a small cell, or whose
    `hidden` flag is set (a published mart's is_suppressed), shows "<5".
    Names in `last` (e.g. "Other") stay at the end whatever their size."""
    if counts is None:
        counts = [v if isinstance(v, int) else None for v in values]
    flags = [bool(h) or is_suppressed(n) for h, n in zip(hidden or [False] * len(names), counts, strict=True)]
    color_list = [colors] * len(names) if isinstance(colors, str) else list(colors)
    rows = list(zip(names, values, color_list, hover_extra or [""] * len(names), flags, strict=True))
    if sort:
        rows.sort(key=lambda r: (r[0] in last, -(r[1] or 0)))
    if horizontal:
        rows = rows[::-1]  # plotly draws the first category at the bottom
    total = sum(r[1] for r in rows if r[1] and not r[4]) or 1
    xs, ys, text, hover, marker = [], [], [], [], []
    for name, value, color, extra, blank in rows:
        shown = page.t("suppressed") if blank else ("—" if value is None else value_format(value))
        share = f" ({labels.percent(value / total, 1)} {page.t('of_total')})" \
            if percent_of_total and value and not blank else ""
        detail = page.t("suppressed_long") if blank else shown
        hover.append(f"<b>{html.escape(str(name))}</b><br>{value_title}: {detail}{share}{extra}")
        text.append(shown)
        xs.append(name)
        ys.append(0 if blank or value is None else value)
        marker.append(color)
    trace = go.Bar(
        x=ys if horizontal else xs, y=xs if horizontal else ys, orientation="h" if horizontal else "v",
        marker_color=marker, text=text, textposition="outside", cliponaxis=False, hovertext=hover,
        hoverinfo="text",
    )
    fig = go.Figure(trace)
    fig.update_layout(title=title, showlegend=False,
                      height=height or (max(320, 34 * len(xs) + 140) if horizontal else 420))
    axis = fig.update_xaxes if horizontal else fig.update_yaxes
    axis(title=value_title, rangemode="tozero", tickformat=axis_format)
    return fig


def stacked(page: Page, df: pl.DataFrame, *, category: str, stack: str, value: str, title: str,
            value_title: str, category_labels: dict[str, str], stack_labels: dict[str, str],
            colors: dict[str, str], horizontal: bool = False, normalize: bool = False,
            category_order: Sequence[str] | None = None, stack_order: Sequence[str] | None = None,
            height: int | None = None) -> go.Figure:
    """Stacked (or 100%) bars: one trace per `stack` code, exact counts and shares on hover."""
    totals = df.group_by(category).agg(pl.col(value).sum().alias("_total"))
    data = df.join(totals, on=category)
    cats = list(category_order or totals.sort("_total", descending=True)[category].to_list())
    if horizontal:
        cats = cats[::-1]
    stacks = list(stack_order or data[stack].unique().sort().to_list())
    fig = go.Figure()
    for code in stacks:
        part = data.filter(pl.col(stack) == code)
        lookup = {r[category]: (r[value], r["_total"]) for r in part.iter_rows(named=True)}
        vals, texts, hovers = [], [], []
        for cat in cats:
            v, tot = lookup.get(cat, (0, None))
            share = (v / tot) if tot else None
            shown = 0 if is_suppressed(v) else (share if normalize else v)
            vals.append(shown)
            t = page.t("suppressed") if is_suppressed(v) else labels.number(v)
            texts.append(t if not normalize else (page.t("suppressed") if is_suppressed(v) else
                                                  labels.percent(share or 0)))
            detail = page.t("suppressed_long") if is_suppressed(v) else t
            hovers.append(f"<b>{html.escape(category_labels.get(cat, str(cat)))}</b><br>"
                          f"{html.escape(stack_labels.get(code, str(code)))}: {detail}"
                          + (f" ({labels.percent(share, 1)})" if share is not None and not is_suppressed(v) else ""))
        names = [category_labels.get(c, str(c)) for c in cats]
        fig.add_trace(go.Bar(
            name=stack_labels.get(code, str(code)), marker_color=colors.get(code, NEUTRAL),
            x=vals if horizontal else names, y=names if horizontal else vals, orientation="h" if horizontal else "v",
            text=texts, textposition="inside", insidetextanchor="middle", hovertext=hovers, hoverinfo="text",
        ))
    fig.update_layout(barmode="stack", title=title, legend_traceorder="normal",
                      height=height or (max(340, 30 * len(cats) + 160) if horizontal else 440))
    axis = fig.update_xaxes if horizontal else fig.update_yaxes
    axis(title=value_title, tickformat=".0%" if normalize else ",")
    fig.update_traces(textfont_size=11)
    return fig


def donut(page: Page, names: Sequence[str], values: Sequence[int], colors: Sequence[str], *, title: str,
          height: int = 380) -> go.Figure:
    text = [page.t("suppressed") if is_suppressed(v) else labels.number(v) for v in values]
    fig = go.Figure(go.Pie(
        labels=list(names), values=[0 if is_suppressed(v) else v for v in values], hole=0.55,
        marker={"colors": list(colors)}, sort=False, direction="clockwise", customdata=text,
        texttemplate="%{percent:.0%}", hovertemplate="<b>%{label}</b><br>%{customdata} (%{percent:.1%})<extra></extra>",
    ))
    fig.update_layout(title=title, height=height, legend={"orientation": "v", "x": 1.0, "y": 0.5,
                                                          "xanchor": "left", "yanchor": "middle"})
    return fig


def line(page: Page, df: pl.DataFrame, *, x: str, series: str, value: str, title: str, value_title: str,
         series_labels: dict[str, str], colors: dict[str, str], x_order: Sequence[str] | None = None,
         series_order: Sequence[str] | None = None, counts: str | None = None,
         value_format: Callable[[float], str] = labels.number, change_format: Callable[[float], str] | None = None,
         axis_format: str = ",", value_range: Sequence[float] | None = None, label_last: bool = True,
         height: int | None = None) -> go.Figure:
    """One line per `series` code over `x` (e.g. snapshots, oldest first), exact values on hover and,
    with `change_format`, the change from the previous point. The x axis is categorical, so a single
    snapshot draws as one labelled point. A point whose people count (`counts` column) is 1..4 is
    suppressed: left out of the line (a gap), like a blanked cell. `label_last` writes the value by
    each series' last point."""
    xs = list(x_order or df[x].unique(maintain_order=True).to_list())
    codes = list(series_order or df[series].unique().sort().to_list())
    fig = go.Figure()
    for code in codes:
        lookup = {r[x]: r for r in df.filter(pl.col(series) == code).iter_rows(named=True)}
        ys: list[float | None] = []
        hovers, texts = [], []
        previous: float | None = None
        for xv in xs:
            row = lookup.get(xv)
            v = None if row is None else row[value]
            hidden = row is not None and counts is not None and is_suppressed(row[counts])
            if hidden:
                v = None
            ys.append(v)
            detail = page.t("suppressed_long") if hidden else ("—" if v is None else value_format(v))
            hover = f"<b>{html.escape(series_labels.get(code, str(code)))}</b> · {html.escape(str(xv))}<br>" \
                    f"{html.escape(value_title)}: {detail}"
            if change_format and v is not None and previous is not None:
                hover += f"<br>{html.escape(page.t('change'))}: {change_format(v - previous)}"
            hovers.append(hover)
            texts.append("")
            previous = v
        if label_last:
            last = max((i for i, v in enumerate(ys) if v is not None), default=None)
            if last is not None:
                texts[last] = value_format(ys[last])
        fig.add_trace(go.Scatter(
            x=xs, y=ys, name=series_labels.get(code, str(code)), mode="lines+markers+text", text=texts,
            textposition="middle right", cliponaxis=False, connectgaps=False, hovertext=hovers, hoverinfo="text",
            line={"color": colors.get(code, NEUTRAL), "width": 3}, marker={"size": 9},
            textfont={"color": colors.get(code, NEUTRAL)}))
    # Room on the right for the last labels; a single snapshot sits left of centre, not on the edge.
    fig.update_xaxes(type="category", title=page.t("snapshot"), range=[-0.4, len(xs) - 1 + 0.55])
    fig.update_yaxes(title=value_title, tickformat=axis_format,
                     **({"range": list(value_range)} if value_range else {"rangemode": "tozero"}))
    fig.update_layout(title=title, height=height or 400, hovermode="closest")
    return fig
