"""Shared page frame and plotly helpers for the report notebooks.

A notebook starts with `page = charts.Page(snapshot, lang, data_dir, marts=[...])`, then
`page.header(...)`, loads marts with `page.load(name)` (only `pipelines.build.marts`, never raw or staging
data), shows figures with `page.show(fig)` and ends with `page.footer(...)`. The page frame gives
every report its snapshot, generation time, sources, caveats and the synthetic-sample label; the
figure helpers give one color per government level, role and servant group, sorted bars, exact
counts on hover and suppressed cells marked "<5".

Figures are emitted as HTML with plotly.js embedded once per page (first figure), so the exported
report opens offline.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from pipelines.report import labels

SUPPRESSION_THRESHOLD = 5  # published cells with fewer people are suppressed (DESIGN.md: privacy)

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
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}

CSS = """
<style>
.rp{font-family:system-ui,-apple-system,Segoe UI,Roboto,Arial,sans-serif;color:#1d2733;max-width:1100px}
.rp h1{font-size:1.9rem;margin:.2rem 0 .3rem 0;color:#12324f}
.rp h2{font-size:1.3rem;margin:1.6rem 0 .4rem 0;color:#12324f;border-bottom:1px solid #dde3ea;padding-bottom:.2rem}
.rp .meta{color:#5b6672;font-size:.92rem;margin:.1rem 0}
.rp .intro{font-size:1.02rem;margin:.6rem 0 1rem 0;max-width:900px}
.rp .sample{background:#fff4d6;border-left:5px solid #e0a100;padding:.55rem .9rem;margin:.6rem 0;font-size:.95rem}
.rp .note{color:#44505c;font-size:.9rem;margin:.3rem 0 .8rem 0}
.rp .warn{background:#fdecea;border-left:5px solid #c0392b;padding:.55rem .9rem;margin:.6rem 0}
.rp .info{background:#eef4fa;border-left:5px solid #1f4e79;padding:.55rem .9rem;margin:.6rem 0}
.rp .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:.8rem;margin:.8rem 0 1.2rem 0}
.rp .kpi{background:#f4f7fa;border-radius:8px;padding:.8rem 1rem;border-top:4px solid #1f4e79}
.rp .kpi .v{font-size:1.9rem;font-weight:650;color:#12324f;line-height:1.15}
.rp .kpi .l{font-size:.9rem;font-weight:600;color:#30404f;margin-top:.15rem}
.rp .kpi .h{font-size:.82rem;color:#5b6672}
.rp table.t{border-collapse:collapse;font-size:.9rem;margin:.4rem 0 .4rem 0;min-width:420px}
.rp table.t th{background:#eef2f6;text-align:left !important;padding:.35rem .6rem;border-bottom:2px solid #c9d3dd}
.rp table.t td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #e5e9ee;vertical-align:top}
.rp table.t td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.rp table.t tr.total td{font-weight:650;border-top:2px solid #c9d3dd}
.rp .sup{color:#8a5a00;font-style:italic}
.rp .bad{color:#b03a2e;font-weight:600}
.rp .good{color:#2e7d4f}
.rp .figfoot{color:#7a8591;font-size:.78rem;margin:-.2rem 0 1.2rem .4rem}
.rp .read{color:#44505c;font-size:.88rem;margin:-.1rem 0 .2rem .4rem}
.rp .footer{margin-top:2rem;padding-top:.6rem;border-top:1px solid #dde3ea;color:#5b6672;font-size:.85rem}
.rp .footer ul{margin:.2rem 0 .4rem 1.2rem;padding:0}
</style>
"""


def _display_html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def is_suppressed(value: float | int | None, threshold: int = SUPPRESSION_THRESHOLD) -> bool:
    """A published count of 1..threshold-1 people is suppressed (zero is not: nobody to disclose)."""
    return value is not None and 0 < value < threshold


def suppress(df: pl.DataFrame, count_column: str, columns: Sequence[str] | None = None,
             threshold: int = SUPPRESSION_THRESHOLD) -> pl.DataFrame:
    """Blank `columns` (default: the count itself) where `count_column` is 1..threshold-1 and add a
    boolean `suppressed` column. For aggregates a notebook computes itself (e.g. medians by level);
    published mart rows go through `pipelines.disclosure.suppress.suppress(frame, mart)` (rules in seeds)."""
    flag = pl.col(count_column).is_between(1, threshold - 1).fill_null(False)
    targets = list(columns or [count_column])
    return df.with_columns(
        *[pl.when(flag).then(None).otherwise(pl.col(c)).alias(c) for c in targets],
        flag.alias("suppressed"),
    )


class Page:
    """One report page: parameters, text lookup, mart loading, and the HTML frame."""

    def __init__(self, snapshot: str | None, lang: str = "es", data_dir: str | None = None,
                 marts: Sequence[str] = ()) -> None:
        if data_dir:
            os.environ["SERVIR_PM_DATA"] = str(data_dir)  # pipelines.paths reads it on every call
        from pipelines.report import render as report

        labels.text("snapshot", lang)  # fails early on an unknown language
        if not snapshot:  # interactive use: the latest snapshot with marts
            from pipelines.build import marts

            snapshot = marts.snapshots()[-1]
        self.snapshot = snapshot
        self.lang = lang
        self.marts_used = list(marts)
        self.synthetic = report.is_synthetic(snapshot)
        self.generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        self._figures = 0
        self.missing: list[str] = []

    # text --------------------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        return labels.text(key, self.lang, **values)

    def c(self, kind: str, value: object) -> str:
        return labels.category(kind, value, self.lang)

    # data --------------------------------------------------------------------------------------
    def load(self, name: str, required: bool = True) -> pl.DataFrame | None:
        """Mart `name` of this snapshot; None (and remembered as missing) if it was not built."""
        from pipelines.build import marts

        try:
            return marts.load(name, self.snapshot)
        except FileNotFoundError:
            if required:
                raise
            self.missing.append(name if name.startswith("mart_") else f"mart_{name}")
            return None

    def manifest(self) -> dict | None:
        """The snapshot's ingestion manifest (run metadata: row counts, quarantine), if present."""
        import json

        from pipelines import paths

        file = Path(paths.staging_dir(self.snapshot)) / "manifest.json"
        return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else None

    # frame -------------------------------------------------------------------------------------
    def header(self, title_key: str, intro_key: str | None = None, **intro_values: object) -> None:
        parts = [CSS, '<div class="rp">', f"<h1>{html.escape(self.t(title_key))}</h1>",
                 f'<p class="meta">{self.t("snapshot")}: <b>{html.escape(self.snapshot)}</b> · '
                 f'{self.t("generated")}: {self.generated}</p>']
        if self.synthetic:
            parts.append(f'<p class="sample">{html.escape(self.t("synthetic_banner"))}</p>')
        if intro_key:
            parts.append(f'<p class="intro">{html.escape(self.t(intro_key, **intro_values))}</p>')
        parts.append("</div>")
        _display_html("".join(parts))

    def section(self, title: str, note: str | None = None) -> None:
        body = f"<h2>{html.escape(title)}</h2>"
        if note:
            body += f'<p class="note">{html.escape(note)}</p>'
        _display_html(f'<div class="rp">{body}</div>')

    def note(self, text: str, kind: str = "note") -> None:
        _display_html(f'<div class="rp"><p class="{kind}">{html.escape(text)}</p></div>')

    def not_available(self, names: Sequence[str]) -> None:
        self.note(self.t("not_available", marts=", ".join(names)), kind="warn")

    def kpis(self, items: Sequence[tuple[str, str, str, str]]) -> None:
        """Headline cards: (key, label, value, hint); `data-kpi=key` lets tests find each value."""
        cards = "".join(
            f'<div class="kpi"><div class="v" data-kpi="{html.escape(key)}">{html.escape(value)}</div>'
            f'<div class="l">{html.escape(label)}</div><div class="h">{html.escape(hint)}</div></div>'
            for key, label, value, hint in items)
        _display_html(f'<div class="rp"><div class="kpis">{cards}</div></div>')

    def table(self, df: pl.DataFrame, columns: dict[str, str], *, numeric: Sequence[str] = (),
              formats: dict[str, Callable[[object], str]] | None = None, max_rows: int = 25,
              total_row: bool = False) -> None:
        """A compact HTML table of `columns` (name -> header). Counts of 1..4, and cells blanked by
        `pipelines.disclosure.suppress.suppress` (null in a row with is_suppressed), show as "<5"."""
        formats = formats or {}
        shown = df.head(max_rows)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in columns.values())
        rows = []
        for i, record in enumerate(shown.iter_rows(named=True)):
            cells = []
            for col in columns:
                value = record.get(col)
                is_num = col in numeric
                if col in formats:
                    cell = formats[col](value)
                elif is_num and (is_suppressed(value) or (value is None and record.get("is_suppressed"))):
                    cell = f'<span class="sup" title="{html.escape(self.t("suppressed_long"))}">' \
                           f'{html.escape(self.t("suppressed"))}</span>'
                elif is_num and isinstance(value, int | float):
                    cell = html.escape(labels.number(value))
                else:
                    cell = html.escape("—" if value is None else str(value))
                cells.append(f'<td class="n">{cell}</td>' if is_num else f"<td>{cell}</td>")
            last = total_row and i == shown.height - 1
            rows.append(f'<tr class="total">{"".join(cells)}</tr>' if last else f"<tr>{''.join(cells)}</tr>")
        more = ""
        if df.height > max_rows:
            more = f'<p class="note">… {df.height - max_rows} {"filas más" if self.lang == "es" else "more rows"}</p>'
        _display_html(f'<div class="rp"><table class="t"><thead><tr>{head}</tr></thead>'
                      f'<tbody>{"".join(rows)}</tbody></table>{more}</div>')

    def footer(self, caveats: Sequence[str] = (), sources: Sequence[str] = ()) -> None:
        marts_used = ", ".join(m if m.startswith("mart_") else f"mart_{m}" for m in self.marts_used)
        source_items = [self.t("source_marts", marts=marts_used), self.t("source_servir"), *sources]
        caveat_items = list(caveats)
        if self.synthetic:
            caveat_items.insert(0, self.t("synthetic_banner"))
        caveat_items.append(self.t("suppression_note"))
        if self.missing:
            caveat_items.append(self.t("not_available", marts=", ".join(self.missing)))

        def ul(items: Sequence[str]) -> str:
            return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"

        _display_html(
            f'<div class="rp"><div class="footer"><b>{self.t("snapshot")}</b>: {html.escape(self.snapshot)} · '
            f'<b>{self.t("generated")}</b>: {self.generated}<br><b>{self.t("sources")}</b>{ul(source_items)}'
            f'<b>{self.t("caveats")}</b>{ul(caveat_items)}</div></div>')

    # figures -----------------------------------------------------------------------------------
    def figure_footer(self) -> str:
        bits = [f"{self.t('snapshot')}: {self.snapshot}", f"{self.t('sources')}: servir-pm marts"]
        if self.synthetic:
            bits.append(self.t("synthetic_short"))
        return " · ".join(bits)

    def show(self, fig: go.Figure, height: int | None = None, read: str | None = None) -> None:
        """Style `fig`, stamp the standard footer, and display it (plotly.js embedded on first use).
        `read`: a one-line "how to read" shown right under the chart."""
        style(fig, height=height)
        self._figures += 1
        markup = fig.to_html(full_html=False, include_plotlyjs=self._figures == 1, config=PLOTLY_CONFIG,
                             div_id=f"fig-{self._figures}", default_width="100%")
        if read:
            markup += f'<p class="read">{html.escape(read)}</p>'
        markup += f'<p class="figfoot">{html.escape(self.figure_footer())}</p>'
        _display_html(f'<div class="rp">{markup}</div>')


def style(fig: go.Figure, height: int | None = None) -> go.Figure:
    fig.update_layout(
        template="plotly_white", font={"family": FONT, "size": 13, "color": "#1d2733"},
        title={"x": 0, "xanchor": "left", "font": {"size": 16}},
        margin={"l": 10, "r": 30, "t": 80, "b": 70}, hoverlabel={"font": {"family": FONT}},
        separators=".,",
    )
    if fig.layout.legend.orientation is None:  # default: one row under the title
        fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0,
                                  "title": None})
    if height:
        fig.update_layout(height=height)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def bar(page: Page, names: Sequence[str], values: Sequence[float | int | None], *, title: str,
        value_title: str, colors: Sequence[str] | str = NEUTRAL, horizontal: bool = True, sort: bool = True,
        percent_of_total: bool = True, value_format: Callable[[float | int], str] = labels.number,
        counts: Sequence[int | None] | None = None, hover_extra: Sequence[str] | None = None,
        axis_format: str = ",", last: Sequence[str] = (), height: int | None = None) -> go.Figure:
    """Sorted bars with exact values on hover (and share of total). A bar whose people count
    (`counts`, or the values themselves when they are integer counts) is 1..4 shows "<5".
    Names in `last` (e.g. "Other") stay at the end whatever their size."""
    if counts is None:
        counts = [v if isinstance(v, int) else None for v in values]
    color_list = [colors] * len(names) if isinstance(colors, str) else list(colors)
    rows = list(zip(names, values, color_list, hover_extra or [""] * len(names), counts, strict=True))
    if sort:
        rows.sort(key=lambda r: (r[0] in last, -(r[1] or 0)))
    if horizontal:
        rows = rows[::-1]  # plotly draws the first category at the bottom
    total = sum(r[1] for r in rows if r[1] and not is_suppressed(r[4])) or 1
    xs, ys, text, hover, marker = [], [], [], [], []
    for name, value, color, extra, count in rows:
        hidden = is_suppressed(count)
        shown = page.t("suppressed") if hidden else ("—" if value is None else value_format(value))
        share = f" ({labels.percent(value / total, 1)} {page.t('of_total')})" \
            if percent_of_total and value and not hidden else ""
        detail = page.t("suppressed_long") if hidden else shown
        hover.append(f"<b>{html.escape(str(name))}</b><br>{value_title}: {detail}{share}{extra}")
        text.append(shown)
        xs.append(name)
        ys.append(0 if hidden or value is None else value)
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
