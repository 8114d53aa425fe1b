# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (servir-pm)
#     language: python
#     name: python3
# ---

# %%
# TITLE [es] Topes de servidores de confianza
# TITLE [en] Appointee (confianza) caps
# Appointed servants against the legal caps, entity by entity, from mart_confianza_caps.
import html

import plotly.graph_objects as go
import polars as pl

from pipelines.report import charts, labels
from pipelines.report.charts import LEVEL_COLORS, STATUS_COLORS

# %% tags=["parameters"]
# snapshot "" = the latest snapshot with marts; data_dir "" = SERVIR_PM_DATA or ./data
snapshot = ""
lang = "es"
data_dir = ""

# %%
page = charts.Page(snapshot, lang, data_dir, marts=["headline_figures", "confianza_caps", "confianza_cap_excess"])
t, c = page.t, page.c
# As the export published it: an entity's blanked counts (and the breach flags derived from them)
# are null, so an entity with a blanked cap check counts as unknown, never as within or over.
caps = page.published("confianza_caps").with_columns(
    (pl.col("appointed_positions") - pl.col("entity_cap_max_appointed")).alias("entity_excess"),
    (pl.col("appointed_pm") - pl.col("pm_cap_max_appointed")).alias("pm_excess"),
)
pm_cap = caps["pm_cap_share"].drop_nulls()
entity_cap = caps["entity_cap_share"].drop_nulls()
page.header("caps_title", "caps_intro", pm_cap=labels.percent(pm_cap[0] if len(pm_cap) else 0.2),
            entity_cap=labels.percent(entity_cap[0] if len(entity_cap) else 0.05))
headline = page.published("headline_figures").row(0, named=True)  # one definition for every page
n = headline["entities_checked"]
# Not assessable: no published total of positions (a flag blanked for another cell of its row is
# counted in the breach cards' hint, with the other unpublished flags).
entity_unknown = caps["total_positions"].is_null().sum()


def breaches(flag: str) -> tuple[str, str]:
    """Entities whose published `flag` is a breach, out of those whose flag is published (no total of
    them is published). A registry without appointment data cannot be checked: "sin dato", never 0."""
    if not headline["has_appointment_data"]:
        return t("no_data"), ""
    count, known = caps[flag].fill_null(False).sum(), caps[flag].is_not_null().sum()
    return labels.number(count), t("kpi_breach_of_published", share=labels.percent(count / known if known else None),
                                   known=labels.number(known))


page.kpis([
    ("entities", t("kpi_entities"), labels.number(n), ""),
    ("pm_cap_breach", t("kpi_pm_cap_breach"), *breaches("pm_cap_breach")),
    ("entity_cap_breach", t("kpi_entity_cap_breach"), *breaches("entity_cap_breach")),
    ("entity_cap_unknown", t("kpi_entity_cap_unknown"), labels.number(entity_unknown), ""),
])

# %%
levels = caps.group_by("government_level").agg(
    pl.len().alias("entities"), pl.col("pm_cap_breach").fill_null(False).sum().alias("pm_cap_breach"),
    pl.col("entity_cap_breach").fill_null(False).sum().alias("entity_cap_breach"),
).sort(["entities", "government_level"], descending=[True, False])  # ties: same order every run
fig = go.Figure()
for cap, color in [("pm_cap_breach", "#6a3d9a"), ("entity_cap_breach", "#d1495b")]:
    fig.add_trace(go.Bar(
        name=t(cap), x=[c("government_level", v) for v in levels["government_level"]], y=levels[cap].to_list(),
        marker_color=color, text=[labels.number(v) for v in levels[cap]], textposition="outside", cliponaxis=False,
        hovertext=[f"<b>{c('government_level', lv)}</b><br>{t(cap)}: {labels.number(b)} / {labels.number(e)} "
                   f"({labels.percent(b / e, 1)})" for lv, b, e in zip(levels["government_level"], levels[cap],
                                                                     levels["entities"], strict=True)],
        hoverinfo="text"))
fig.update_layout(barmode="group", title=t("caps_by_level"), height=380)
fig.update_yaxes(title=t("kpi_entities"), tickformat=",")
page.show(fig, read=t("published_sum_note"))

# %%
known = caps.filter(pl.col("entity_cap_max_appointed").is_not_null())
fig = go.Figure()
for level in known["government_level"].unique().sort():
    part = known.filter(pl.col("government_level") == level)
    fig.add_trace(go.Scatter(
        x=part["entity_cap_max_appointed"].to_list(), y=part["appointed_positions"].to_list(), mode="markers",
        name=c("government_level", level), marker={"color": LEVEL_COLORS.get(level, charts.NEUTRAL), "size": 8,
                                                   "opacity": 0.7, "line": {"width": 0.5, "color": "white"}},
        hovertext=[f"<b>{html.escape(name)}</b><br>{t('appointed_positions')}: "
                   f"{page.count(a)}"
                   f"<br>{t('max_allowed')}: {labels.number(m)}"
                   for name, a, m in zip(part["entity_name"], part["appointed_positions"],
                                         part["entity_cap_max_appointed"], strict=True)],
        hoverinfo="text"))
right = (known["entity_cap_max_appointed"].max() or 0) * 1.1 + 1
fig.add_trace(go.Scatter(x=[0, right], y=[0, right], mode="lines", name=t("caps_line"),
                         line={"color": "#888", "dash": "dash"}, hoverinfo="skip"))
fig.update_layout(title=t("caps_scatter"), height=520)
fig.update_xaxes(title=t("max_allowed"), range=[0, right])
fig.update_yaxes(title=t("appointed_positions"), rangemode="tozero")
page.show(fig, read=t("published_sum_note"))

# %%
page.section(t("caps_top"))
worst = caps.filter(pl.col("entity_cap_breach").fill_null(False)).sort(
    ["entity_excess", "entity_name"], descending=[True, False], nulls_last=True).head(20)
page.table(
    worst.with_columns(
        pl.col("government_level").replace_strict({v: c("government_level", v) for v in ["national", "regional",
                                                   "local", "unknown"]}, default=pl.col("government_level")),
        pl.col("entity_classification").map_elements(lambda v: c("entity_classification", v),
                                                      return_dtype=pl.String)),
    {"entity_name": t("entity"), "government_level": t("government_level"),
     "entity_classification": t("entity_classification"), "appointed_positions": t("appointed_positions"),
     "entity_cap_max_appointed": t("max_allowed"), "entity_excess": t("excess")},
    numeric=["appointed_positions", "entity_cap_max_appointed", "entity_excess"], max_rows=20)

# %%
by_class = caps.group_by("entity_classification").agg(
    # Shares of the entities whose flag is published (a blanked flag is neither a breach nor not).
    pl.col("pm_cap_breach").count().alias("entities"), pl.col("pm_cap_breach").mean().alias("share"),
    pl.col("pm_cap_breach").sum().alias("breaching"))
page.show(charts.bar(
    page, [c("entity_classification", v) for v in by_class["entity_classification"]], by_class["share"].to_list(),
    title=t("caps_by_group"), value_title=t("share"), percent_of_total=False, axis_format=".0%",
    value_format=lambda v: labels.percent(v), colors=STATUS_COLORS["breach"],
    hover_extra=[f"<br>{labels.number(b)} / {labels.number(e)}" for b, e in
                 zip(by_class["breaching"], by_class["entities"], strict=True)]), read=t("published_sum_note"))

# %%
if "department" in caps.columns:
    dept = caps.group_by("department").agg(pl.len().alias("entities"),
                                           pl.col("pm_cap_breach").fill_null(False).sum().alias("breaching"))
    page.show(charts.bar(
        page, [labels.sector(d) for d in dept["department"]], dept["breaching"].to_list(), title=t("caps_dept"),
        value_title=t("kpi_entities"), hover_extra=[f" / {labels.number(e)}" for e in dept["entities"]]),
        read=t("published_sum_note"))
else:
    page.note(t("dept_missing"))

# %%
# Readings the law leaves open (rounding; type-B units capped alone or with their parent) and the
# appointees above each cap by government level: merit competitions needed to comply (issue 13).
excess = page.published("confianza_cap_excess", required=False)
if excess is not None and excess.height:
    page.section(t("caps_readings_title"))
    COUNTS = ["entities", "pm_cap_breaches", "appointed_pm_above_cap", "entity_cap_breaches",
              "appointed_above_entity_cap"]
    readings = excess.group_by("reading", "is_default", "government_level").agg(
        *[pl.col(col).sum() for col in COUNTS]).sort("government_level", "reading")
    readings = readings.with_columns(
        pl.col("reading").map_elements(lambda r: c("cap_reading", r), return_dtype=pl.String).alias("reading_label"),
        pl.col("government_level").map_elements(lambda v: c("government_level", v),
                                                return_dtype=pl.String).alias("level_label"))
    page.table(readings, {"level_label": t("government_level"), "reading_label": t("cap_reading"),
                          **{col: t(f"cap_{col}") for col in COUNTS}}, numeric=COUNTS)
    page.note(t("caps_readings_note"))
    page.note(t("published_sum_note"))

# %%
page.footer(caveats=[t("caps_notes"), t("sector_names_note")])
