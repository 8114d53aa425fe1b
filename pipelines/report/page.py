"""The frame of a report page: parameters, text lookup, mart loading, headline cards, tables, footer,
and how a figure is shown.

A notebook starts with `page = Page(snapshot, lang, data_dir, marts=[...])`, then `page.header(...)`,
reads marts with `page.published(name)` (the exported CSV: small cells and the cells that would give
them back by subtraction blanked), shows figures with `page.show(fig)` and ends with
`page.footer(...)`. Report pages draw only what the export published; `page.load(name)` (the internal
Parquet, every value) stays for analysts working in Jupyter. Suppressed cells show as "<5" by the
one rule of `pipelines.disclosure.suppress`.

Figures: rendered by `pipelines.report.render`, a page links the report folder's one copy of plotly.js
(SERVIR_PM_PLOTLYJS names it); opened in Jupyter, the first figure embeds plotly.js, so the page
still works offline on its own.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from pipelines import paths
from pipelines.disclosure.suppress import is_small
from pipelines.report import labels
from pipelines.report.kernel import PLOTLY_ENV  # set by pipelines.report.render for the kernel it starts

CSS_FILE = paths.PROJECT_ROOT / "notebooks" / "_template" / "report.css"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def _display_html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def latest_snapshot() -> str:
    """The latest snapshot with published marts (what a notebook opened without parameters shows)."""
    from pipelines.build import marts as published

    available = published.snapshots()
    if not available:
        raise FileNotFoundError(f"no marts under {paths.marts_dir()}: run `servir-pm run` first")
    return available[-1]


class Page:
    """One report page: parameters, text lookup, mart loading, and the HTML frame."""

    def __init__(self, snapshot: str | None, lang: str = "es", data_dir: str | None = None,
                 marts: Sequence[str] = ()) -> None:
        if data_dir:
            os.environ["SERVIR_PM_DATA"] = str(data_dir)  # pipelines.paths reads it on every call
        from pipelines.report.index import is_synthetic

        labels.text("snapshot", lang)  # fails early on an unknown language
        self.snapshot = snapshot or latest_snapshot()
        self.lang = lang
        self.marts_used = list(marts)
        self.synthetic = is_synthetic(self.snapshot)
        self.generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        self._figures = 0
        self.missing: list[str] = []

    # text --------------------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        return labels.text(key, self.lang, **values)

    def c(self, kind: str, value: object) -> str:
        return labels.category(kind, value, self.lang)

    def labelled(self, kind: str, column: str) -> pl.Expr:
        """`column`'s codes as their labels of `kind` in the page's language (an expression; unknown codes
        come back as they are)."""
        mapping = {code: pair[labels.LANGS.index(self.lang)] for code, pair in labels.category_labels()[kind].items()}
        return pl.col(column).replace_strict(mapping, default=pl.col(column), return_dtype=pl.String)

    def count(self, value: int | None, suppressed: bool = False) -> str:
        """A count of people as published: "<5" for a small (or blanked) cell, "—" for none."""
        return self.t("suppressed") if suppressed or is_small(value) else labels.number(value)

    # data --------------------------------------------------------------------------------------
    def load(self, name: str, required: bool = True) -> pl.DataFrame | None:
        """Mart `name` of this snapshot; None (and remembered as missing) if it was not built."""
        from pipelines.build import marts as published

        try:
            return published.load(name, self.snapshot)
        except FileNotFoundError:
            if required:
                raise
            self.missing.append(name if name.startswith("mart_") else f"mart_{name}")
            return None

    def published(self, name: str, required: bool = True, snapshot: str | None = None,
                  columns: Sequence[str] | None = None) -> pl.DataFrame | None:
        """Mart `name` exactly as the export published it (<mart>.csv beside the Parquet: small cells
        and their complements blanked by pipelines.disclosure.suppress, with `is_suppressed`), typed
        like the internal mart. None (remembered as missing) when the mart was not built.
        columns: only these (a position list's CSV is 130 MB at national scale)."""
        mart = name if name.startswith("mart_") else f"mart_{name}"
        folder = paths.marts_dir(snapshot or self.snapshot)
        if not (folder / f"{mart}.csv").is_file() or not (folder / f"{mart}.parquet").is_file():
            if required:
                raise FileNotFoundError(f"no published {mart} for snapshot {snapshot or self.snapshot!r} in {folder}")
            self.missing.append(mart)
            return None
        types = {**pl.read_parquet_schema(folder / f"{mart}.parquet"), "is_suppressed": pl.Boolean}
        return pl.read_csv(folder / f"{mart}.csv", schema_overrides=types, columns=list(columns) if columns else None)

    def manifest(self) -> dict | None:
        """The snapshot's ingestion manifest (run metadata: row counts, quarantine), if present."""
        import json

        file = Path(paths.staging_dir(self.snapshot)) / "manifest.json"
        return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else None

    # frame -------------------------------------------------------------------------------------
    def header(self, title_key: str, intro_key: str | None = None, **intro_values: object) -> None:
        parts = [f"<style>{CSS_FILE.read_text(encoding='utf-8')}</style>", '<div class="rp">',
                 f"<h1>{html.escape(self.t(title_key))}</h1>",
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

    def with_code(self, key: str, **identifiers: str) -> str:
        """Text `key` as HTML, its placeholders filled with identifiers (mart names) shown as <code>:
        names an analyst looks up, not words for the reader."""
        marks = {name: f"\x00{i}\x00" for i, name in enumerate(identifiers)}
        markup = html.escape(self.t(key, **marks))
        for name, mark in marks.items():
            markup = markup.replace(mark, f"<code>{html.escape(identifiers[name])}</code>")
        return markup

    def not_available(self, names: Sequence[str]) -> None:
        _display_html(f'<div class="rp"><p class="warn">{self.with_code("not_available", marts=", ".join(names))}'
                      "</p></div>")

    def kpis(self, items: Sequence[tuple[str, str, str, str]]) -> None:
        """Headline cards: (key, label, value, hint); `data-kpi=key` lets tests find each value."""
        cards = "".join(
            f'<div class="kpi"><div class="v" data-kpi="{html.escape(key)}">{html.escape(value)}</div>'
            f'<div class="l">{html.escape(label)}</div><div class="h">{html.escape(hint)}</div></div>'
            for key, label, value, hint in items)
        _display_html(f'<div class="rp"><div class="kpis">{cards}</div></div>')

    def _cell(self, record: dict, col: str, numeric: bool,
              formats: dict[str, Callable[[object], str]]) -> str:
        value = record.get(col)
        if col in formats:
            return formats[col](value)
        if numeric and (is_small(value) or (value is None and record.get("is_suppressed"))):
            return f'<span class="sup" title="{html.escape(self.t("suppressed_long"))}">' \
                   f'{html.escape(self.t("suppressed"))}</span>'
        if numeric and isinstance(value, int | float):
            return html.escape(labels.number(value))
        return html.escape("—" if value is None else str(value))

    def table(self, df: pl.DataFrame, columns: dict[str, str], *, numeric: Sequence[str] = (),
              formats: dict[str, Callable[[object], str]] | None = None, max_rows: int = 25,
              total_row: bool = False) -> None:
        """A compact HTML table of `columns` (name -> header). Small counts, and cells blanked by
        `pipelines.disclosure.suppress.suppress` (null in a row with is_suppressed), show as "<5"."""
        formats = formats or {}
        shown = df.head(max_rows)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in columns.values())
        rows = []
        for i, record in enumerate(shown.iter_rows(named=True)):
            cells = "".join(f'<td class="n">{self._cell(record, col, True, formats)}</td>' if col in numeric
                            else f"<td>{self._cell(record, col, False, formats)}</td>" for col in columns)
            last = total_row and i == shown.height - 1
            rows.append(f'<tr class="total">{cells}</tr>' if last else f"<tr>{cells}</tr>")
        more = ""
        if df.height > max_rows:
            more = f'<p class="note">… {html.escape(self.t("more_rows", n=df.height - max_rows))}</p>'
        _display_html(f'<div class="rp"><table class="t"><thead><tr>{head}</tr></thead>'
                      f'<tbody>{"".join(rows)}</tbody></table>{more}</div>')

    def footer(self, caveats: Sequence[str] = (), sources: Sequence[str] = ()) -> None:
        marts_used = ", ".join(m if m.startswith("mart_") else f"mart_{m}" for m in self.marts_used)
        source_items = [self.with_code("source_marts", marts=marts_used),
                        *(html.escape(s) for s in (self.t("source_servir"), *sources))]
        caveat_items = [html.escape(c) for c in caveats]
        if self.synthetic:
            caveat_items.insert(0, html.escape(self.t("synthetic_banner")))
        caveat_items.append(html.escape(self.t("suppression_note")))
        if self.missing:
            caveat_items.append(self.with_code("not_available", marts=", ".join(self.missing)))

        def ul(items: Sequence[str]) -> str:  # items are HTML already
            return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"

        _display_html(
            f'<div class="rp"><div class="footer"><b>{self.t("snapshot")}</b>: {html.escape(self.snapshot)} · '
            f'<b>{self.t("generated")}</b>: {self.generated}<br><b>{self.t("sources")}</b>{ul(source_items)}'
            f'<b>{self.t("caveats")}</b>{ul(caveat_items)}</div></div>')

    # figures -----------------------------------------------------------------------------------
    def figure_footer(self) -> str:
        bits = [f"{self.t('snapshot')}: {self.snapshot}", f"{self.t('sources')}: {self.t('source_short')}"]
        if self.synthetic:
            bits.append(self.t("synthetic_short"))
        return " · ".join(bits)

    def show(self, fig: go.Figure, height: int | None = None, read: str | None = None) -> None:
        """Style `fig`, stamp the standard footer, and display it. `read`: a one-line "how to read"
        shown right under the chart."""
        style(fig, height=height)
        self._figures += 1
        shared = os.environ.get(PLOTLY_ENV)
        library: bool | str = (shared or True) if self._figures == 1 else False
        markup = fig.to_html(full_html=False, include_plotlyjs=library, config=PLOTLY_CONFIG,
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
