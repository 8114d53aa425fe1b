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
# TITLE [es] Brechas remunerativas
# TITLE [en] Pay gaps
# Pay distribution, gaps, legal benchmarks, valuation and transition cost, from the compensation marts.
# Only aggregates are published: per-position pay is summarized (mart_pay_quantiles), never listed, and every
# cell shown is read as the export published it (pipelines.disclosure.suppress, seeds/publication).
import plotly.graph_objects as go
import polars as pl

from pipelines.report import charts, labels
from pipelines.report.charts import LEVEL_COLORS, REGIME_COLORS, ROLE_COLORS

# %% tags=["parameters"]
# snapshot "" = the latest snapshot with marts; data_dir "" = SERVIR_PM_DATA or ./data
snapshot = ""
lang = "es"
data_dir = ""

# %%
COMP_MARTS = ["pay_quantiles", "pay_gaps", "pay_benchmarks", "valuation_summary", "transition_cost"]
page = charts.Page(snapshot, lang, data_dir, marts=COMP_MARTS)
t, c = page.t, page.c
found = {name: page.published(name, required=False) for name in COMP_MARTS}  # as exported
page.header("pay_title", "pay_intro")
if page.missing:
    page.not_available(page.missing)
LEVELS = ["national", "regional", "local", "unknown"]
CATEGORIES = ["PS", "S", "OS", "CA"]


def millions(v: float | None) -> str:
    return "—" if v is None else labels.number(v / 1e6, 1)


# %%
quantiles = found["pay_quantiles"]
stats = None
if quantiles is not None:
    # Percentiles per role (PM) or CA x government level, computed and tested in mart_pay_quantiles;
    # cells of fewer people than the suppression threshold are blanked, as in the export.
    published = quantiles
    stats = published.filter(pl.col("pay_category").is_in(CATEGORIES) & (pl.col("government_level") != "all")
                             & ~pl.col("is_suppressed"))
    pm = published.filter((pl.col("servant_group") == "PM") & (pl.col("pay_category") == "all")
                          & (pl.col("government_level") != "all"))
    page.kpis([(f"median_pm_pay_{r['government_level']}", t("kpi_median_pay"),
                t("suppressed") if r["is_suppressed"] else "S/ " + labels.number(r["median_pay"]),
                t("kpi_median_pay_hint", level=c("government_level", r["government_level"])))
               for r in pm.sort("government_level").iter_rows(named=True)])
# No percentile to draw: say why instead of showing empty axes. A registry without pay (the gob.pe
# directory, most transparency-portal lists) gives the mart no row; one whose cells are all too
# small gives only blanked rows.
if quantiles is not None and stats is not None and stats.height == 0:
    page.note(t("kpi_pay_no_data") if quantiles.height == 0 else t("suppressed_long"))
elif stats is not None:
    fig = go.Figure()
    for level in [lv for lv in LEVELS if lv in stats["government_level"]]:
        part = stats.filter(pl.col("government_level") == level).sort(
            pl.col("pay_category").replace_strict({k: i for i, k in enumerate(CATEGORIES)}, default=9))
        fig.add_trace(go.Box(
            name=c("government_level", level), x=[c("role", k) for k in part["pay_category"]],
            q1=part["p25_pay"].to_list(), median=part["median_pay"].to_list(), q3=part["p75_pay"].to_list(),
            lowerfence=part["p10_pay"].to_list(), upperfence=part["p90_pay"].to_list(),
            marker_color=LEVEL_COLORS[level],
            hovertext=[f"n = {labels.number(n)}" for n in part["people"]], hoverinfo="y+text"))
    fig.update_layout(boxmode="group", title=t("pay_box"), height=460)
    fig.update_yaxes(title=t("monthly_pay"), tickformat=",")
    page.show(fig)

# %%
gaps = found["pay_gaps"]
if gaps is not None:
    published = gaps
    for gap_type, key, palette in [("intergovernmental", "pay_gap_inter", LEVEL_COLORS),
                                   ("labor_regime", "pay_gap_regime", REGIME_COLORS)]:
        part = published.filter(pl.col("gap_type") == gap_type).with_columns(
            (pl.col("pay_category") + " · " + pl.col("organizational_level").cast(pl.String)).alias("cell"))
        if gap_type == "intergovernmental":
            part = part.filter(pl.col("group_value") != "national")  # the reference itself (ratio 1)
        if part.height == 0:
            continue
        part = part.sort(pl.col("pay_category").replace_strict({k: i for i, k in enumerate(CATEGORIES)}, default=9),
                         "organizational_level")
        fig = go.Figure()
        for group in part["group_value"].unique(maintain_order=True):
            g = part.filter(pl.col("group_value") == group)
            label = c("government_level" if gap_type == "intergovernmental" else "labor_regime", group)
            fig.add_trace(go.Bar(
                name=label,
                x=[f"{c('role_short', k)} · {t('org_level_n', n=lv)}" for k, lv in
                   zip(g["pay_category"], g["organizational_level"], strict=True)],
                y=g["median_ratio"].to_list(),
                marker_color=palette.get(group, charts.NEUTRAL),
                hovertext=[f"<b>{label}</b> · {c('role', k)} · {t('org_level_n', n=lv)}<br>"
                           + (t("suppressed_long") if r is None else
                              f"{t('median_pay')}: S/ {labels.number(m)} / S/ {labels.number(ref)}"
                              f" = {labels.number(r, 2)}<br>n = {labels.number(n)}")
                           for k, lv, r, m, ref, n in zip(g["pay_category"], g["organizational_level"],
                                                          g["median_ratio"], g["median_pay"],
                                                          g["reference_median_pay"], g["people"], strict=True)],
                hoverinfo="text"))
        fig.add_hline(y=1, line_dash="dash", line_color="#555")
        fig.update_layout(barmode="group", title=t(key), height=420)
        fig.update_yaxes(title=t("ratio_axis"), tickformat=".2f")
        page.show(fig)

# %%
benchmarks = found["pay_benchmarks"]
if benchmarks is not None:
    page.section(t("pay_benchmarks"))
    published = benchmarks
    published = published.with_columns(page.labelled("pay_benchmark", "check_id").alias("label"))
    page.table(published, {"label": t("check"), "positions_in_scope": t("positions_in_scope"),
                           "people_with_pay": t("people"), "breaches": t("breaches")},
               numeric=["positions_in_scope", "people_with_pay", "breaches"])

# %%
summary = found["valuation_summary"]
if summary is not None:
    published = summary.filter(
        pl.col("valued_annual_total").is_not_null())
    if published.height:
        published = published.sort(
            pl.col("category").replace_strict({k: i for i, k in enumerate(CATEGORIES)}, default=9),
            "government_level")
        x = [f"{c('role', k)} · {c('government_level', lv)}" for k, lv in
             zip(published["category"], published["government_level"], strict=True)]
        fig = go.Figure()
        for col, key, color in [("current_annual_total", "current_annual", "#8d99ae"),
                                ("valued_annual_total", "valued_annual", ROLE_COLORS["PS"])]:
            fig.add_trace(go.Bar(name=t(key), x=x, y=[None if v is None else v / 1e6 for v in published[col]],
                                 marker_color=color, hovertext=[f"{t(key)}: {millions(v)} M · n = {labels.number(n)}"
                                                                for v, n in zip(published[col], published["people"],
                                                                                strict=True)],
                                 hoverinfo="x+text"))
        fig.update_layout(barmode="group", title=t("valuation"), height=420)
        fig.update_yaxes(title=t("million_pen"), tickformat=",")
        page.show(fig)
    page.note(t("valuation_illustrative"), kind="warn")

# %%
transition = found["transition_cost"]
if transition is not None:
    published = transition.filter(
        (pl.col("government_level") == "all") & pl.col("in_scope").fill_null(False)
        & pl.col("new_annual_cost").is_not_null()).sort("new_annual_cost", descending=True)
    if published.height:
        x = [c("labor_regime", r) for r in published["labor_regime"]]
        fig = go.Figure()
        for col, key, color in [("current_annual_cost", "current_annual", "#8d99ae"),
                                ("annual_cost_increase", "increase", "#d1495b")]:
            fig.add_trace(go.Bar(name=t(key), x=x, y=[v / 1e6 for v in published[col]], marker_color=color,
                                 text=[millions(v) for v in published[col]], textposition="inside",
                                 hovertext=[f"{t(key)}: {millions(v)} M<br>{t('people')}: {labels.number(n)}"
                                            for v, n in zip(published[col], published["people"], strict=True)],
                                 hoverinfo="x+text"))
        fig.update_layout(barmode="stack", title=t("transition"), height=420)
        fig.update_yaxes(title=t("million_pen"), tickformat=",")
        page.show(fig)

# %%
page.footer(caveats=[t("pay_notes"), t("valuation_illustrative")])
