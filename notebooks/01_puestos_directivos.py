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
# TITLE [es] Puestos directivos
# TITLE [en] Management positions
# Where the management positions are (SERVIR 2016 Graphs 3-7), from mart_management_positions.
import polars as pl

from pipelines.report import charts, labels
from pipelines.report.charts import LEVEL_COLORS

# %% tags=["parameters"]
# snapshot "" = the latest snapshot with marts; data_dir "" = SERVIR_PM_DATA or ./data
snapshot = ""
lang = "es"
data_dir = ""

# %%
page = charts.Page(snapshot, lang, data_dir, marts=["headline_figures", "management_positions",
                                                   "positions_by_department"])
t, c = page.t, page.c
# As the export published it: blanked cells (small, or revealing one by subtraction) are null and
# every sum below adds published values only (seeds/publication/suppression_margins.csv).
# Every code has a row in its seed (staging checks body types against body_type_groups; an entity
# nothing classified is 'unknown', a row of entity_classifications), so a mapping without a default
# fails on a code no seed defines instead of hiding it; a null body type is a category of its own.
positions = page.published("management_positions").with_columns(
    pl.col("body_type").replace_strict(labels.GRAPH5_CATEGORY).fill_null(labels.MISSING).alias("graph5"),
    pl.col("entity_classification").replace_strict(labels.ENTITY_GROUP).alias("entity_group"),
)
page.header("positions_title", "positions_intro")
LEVELS = [lv for lv in ["national", "regional", "local", "unknown"] if lv in positions["government_level"]]
level_labels = {lv: c("government_level", lv) for lv in LEVELS}
SUM_NOTE = t("published_sum_note")


def by(*columns: str, paired: bool = False) -> pl.DataFrame:
    """Published cells summed by `columns` (a blanked cell adds nothing). `paired`: only rows whose
    positions and appointed positions are both published, so that their difference never gives a
    blanked appointed count back."""
    cells = positions.drop_nulls(["positions", "appointed_positions"]) if paired else positions
    # Sorted by the grouping columns so that bars with equal counts come in the same order every run.
    return (cells.group_by(*columns).agg(pl.col("positions").sum(), pl.col("appointed_positions").sum())
            .sort(*columns, nulls_last=True))


headline = page.published("headline_figures").row(0, named=True)  # one definition for every page
# Totals by government level are not published (only their cells are): the cards show published totals.
page.kpis([
    ("management_positions", t("kpi_management_positions"), page.count(headline["management_positions"]), ""),
    ("share_appointed", t("kpi_share_appointed"), labels.percent(headline["appointed_share"])
     if headline["has_appointment_data"] else t("no_data"), t("kpi_share_appointed_hint")),
])

# %%
g3 = by("government_level", paired=True).with_columns(
    (pl.col("positions") - pl.col("appointed_positions")).alias("other"))
g3_long = g3.unpivot(index="government_level", on=["appointed_positions", "other"], variable_name="kind",
                     value_name="n")
page.show(charts.stacked(
    page, g3_long, category="government_level", stack="kind", value="n", title=t("g3"),
    value_title=t("positions_axis"), category_labels=level_labels,
    # A registry that says nothing about appointments (headline: no appointment data): its positions
    # are "sin dato", not "not appointed".
    stack_labels={"appointed_positions": t("appointed"),
                  "other": t("not_appointed") if headline["has_appointment_data"] else t("appointment_unknown")},
    colors={"appointed_positions": "#1f4e79", "other": "#a9c4de"}, stack_order=["appointed_positions", "other"],
    category_order=g3.sort("positions", descending=True, maintain_order=True)["government_level"].to_list(),
    height=380), read=SUM_NOTE)

# %%
g4 = by("organizational_level", "government_level").with_columns(
    pl.col("organizational_level").cast(pl.String).fill_null(labels.MISSING).alias("org"))
org_codes = sorted(g4["org"].unique().to_list(), key=lambda v: (v == labels.MISSING, v))
page.show(charts.stacked(
    page, g4, category="org", stack="government_level", value="positions", title=t("g4"),
    value_title=t("positions_axis"), category_order=org_codes,
    category_labels={o: c("organizational_level", o) if o == labels.MISSING else t("org_level_n", n=o)
                     for o in org_codes},
    stack_labels=level_labels, colors=LEVEL_COLORS, stack_order=LEVELS), read=SUM_NOTE)

# %%
g5 = by("graph5").sort("positions", descending=True, maintain_order=True)
page.show(charts.donut(
    page, [c("graph5_category", v) for v in g5["graph5"]], g5["positions"].to_list(),
    ["#1f4e79", "#2a9d8f", "#e9c46a", "#d1495b", "#9e9e9e"][: g5.height], title=t("g5")), read=SUM_NOTE)
body = by("body_type", "government_level").with_columns(pl.col("body_type").fill_null(labels.MISSING))
page.show(charts.stacked(
    page, body, category="body_type", stack="government_level", value="positions", title=t("body_type"),
    value_title=t("positions_axis"), horizontal=True,
    category_labels={b: c("body_type", b) for b in body["body_type"].unique()},
    stack_labels=level_labels, colors=LEVEL_COLORS, stack_order=LEVELS), read=SUM_NOTE)

# %%
g6 = by("entity_group").sort("positions", descending=True, maintain_order=True)
page.show(charts.bar(
    page, [c("entity_group", v) for v in g6["entity_group"]], g6["positions"].to_list(), title=t("g6"),
    value_title=t("positions_axis"), colors=["#9e9e9e" if v == "other" else "#1f4e79" for v in g6["entity_group"]],
    last=[c("entity_group", "other")], height=300), read=SUM_NOTE)
classes = by("entity_classification", "government_level")
page.show(charts.stacked(
    page, classes, category="entity_classification", stack="government_level", value="positions",
    title=t("entity_classification"), value_title=t("positions_axis"), horizontal=True,
    category_labels={e: c("entity_classification", e) for e in classes["entity_classification"].unique()},
    stack_labels=level_labels, colors=LEVEL_COLORS, stack_order=LEVELS), read=SUM_NOTE)

# %%
TOP = 15
sectors = by("sector").sort("positions", descending=True, maintain_order=True)
top = sectors.head(TOP)
rest = sectors.slice(TOP)["positions"].sum()
names = [c("sector", s) for s in top["sector"]] + ([t("other")] if rest else [])  # null: 'Sin sector'
values = top["positions"].to_list() + ([rest] if rest else [])
fig = charts.bar(page, names, values, title=t("g7"), value_title=t("positions_axis"), sort=False,
                 colors=["#1f4e79"] * top.height + (["#9e9e9e"] if rest else []))
page.show(fig, read=SUM_NOTE)

# %%
share = by("government_level", paired=True).with_columns(
    (pl.col("appointed_positions") / pl.col("positions")).alias("share"))
if not headline["has_appointment_data"]:
    page.section(t("appointed_share_by_level"))
    page.note(t("appointments_missing_note"))
else:
    page.show(charts.bar(
        page, [c("government_level", v) for v in share["government_level"]], share["share"].to_list(),
        title=t("appointed_share_by_level"), value_title=t("share"), percent_of_total=False,
        colors=[LEVEL_COLORS[v] for v in share["government_level"]], value_format=lambda v: labels.percent(v, 1),
        axis_format=".0%", hover_extra=[f"<br>{t('appointed_positions')}: {labels.number(a)} / {labels.number(p)}"
                     for a, p in zip(share["appointed_positions"], share["positions"], strict=True)], height=260),
        read=SUM_NOTE)

# %%
departments = page.published("positions_by_department", required=False)
if departments is not None and departments.filter(pl.col("department") != "unknown").height:
    dept = departments.group_by("department", "government_level").agg(pl.col("positions").sum())
    page.show(charts.stacked(
        page, dept, category="department", stack="government_level", value="positions", title=t("dept_title"),
        value_title=t("positions_axis"), horizontal=True, category_labels={d: labels.sector(d) for d in
                                                                          dept["department"].unique()},
        stack_labels=level_labels, colors=LEVEL_COLORS, stack_order=LEVELS), read=SUM_NOTE)
else:
    page.note(t("dept_missing"))

# %%
page.footer(caveats=[t("sector_names_note"), t("caps_notes")])
