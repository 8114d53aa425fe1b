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
# TITLE [es] Resumen para la alta dirección
# TITLE [en] Leadership brief
# One-page brief: headline figures and a few charts, all from the marts (pipelines.build.marts).
import polars as pl

from pipelines.report import charts, labels
from pipelines.report.charts import GROUP_COLORS, LEVEL_COLORS, ROLE_COLORS, STATUS_COLORS

# %% tags=["parameters"]
# snapshot "" = the latest snapshot with marts; data_dir "" = SERVIR_PM_DATA or ./data
snapshot = ""
lang = "es"
data_dir = ""

# %%
page = charts.Page(snapshot, lang, data_dir, marts=[
    "headline_figures", "management_positions", "servant_groups", "tpm", "pm_roles", "confianza_caps",
    "pay_quantiles"])
t, c = page.t, page.c
headline = page.published("headline_figures").row(0, named=True)
# Every figure reads the marts as the export published them (<mart>.csv): a chart that sums cells
# sums published values only, never a blanked one (seeds/publication/suppression_margins.csv).
positions = page.published("management_positions")
groups = page.published("servant_groups")
tpm = page.published("tpm")
roles = page.published("pm_roles")
caps = page.published("confianza_caps")
SUM_NOTE = t("published_sum_note")
pay = page.published("pay_quantiles", required=False)  # compensation marts (optional in a build)
page.header("brief_title", "brief_intro")

# %%
LEVELS = ["national", "regional", "local", "unknown"]
# Every headline figure comes from mart_headline_figures (one definition, the same on every page).
has_appointments = headline["has_appointment_data"]
pay_by_level = None
if pay is not None:
    pay_by_level = pay.filter((pl.col("servant_group") == "PM") & (pl.col("pay_category") == "all")
                              & (pl.col("government_level") != "all")).sort(
        pl.col("government_level").replace_strict({lv: i for i, lv in enumerate(LEVELS)}, default=9))

# Registries read from titles: the confirmed count, and how far it can go once the positions still
# to review are decided (mart_tpm's bounds; empty when everything was given or settled).
tpm_total_row = tpm.filter(pl.col("government_level") == "total").row(0, named=True) if tpm.height else {}


def bounds(kind: str) -> str:
    review = tpm_total_row.get("positions_to_review") or 0
    if not review:
        return ""
    return " · " + t("kpi_bounds", confirmed=labels.number(tpm_total_row.get(f"{kind}_confirmed")),
                     upper=labels.number(tpm_total_row.get(f"{kind}_upper_bound")), review=labels.number(review))


cards = [
    ("management_positions", t("kpi_management_positions"), page.count(headline["management_positions"]), ""),
    ("pm", t("kpi_pm"), page.count(headline["pm_positions"]),
     t("kpi_pm_hint", share=labels.percent(headline["pm_share"])) + bounds("pm")),
    ("tpm", t("kpi_tpm"), page.count(headline["tpm_positions"]),
     t("kpi_tpm_hint", share=labels.percent(headline["tpm_share_of_pm"])) + bounds("tpm")),
    ("share_appointed", t("kpi_share_appointed"),
     labels.percent(headline["appointed_share"]) if has_appointments else t("no_data"), t("kpi_share_appointed_hint")),
    ("entities_breaching_caps", t("kpi_caps"),
     labels.number(headline["entities_breaching_caps"]) if has_appointments else t("no_data"),
     t("kpi_caps_hint", n=labels.number(headline["entities_checked"]))),
]
if pay_by_level is not None and pay_by_level.height == 0:
    cards.append(("median_pm_pay", t("kpi_median_pay"), t("no_data"), t("kpi_pay_no_data")))
elif pay_by_level is not None:
    for row in pay_by_level.iter_rows(named=True):
        value = t("suppressed") if row["is_suppressed"] else "S/ " + labels.number(row["median_pay"])
        cards.append((f"median_pm_pay_{row['government_level']}", t("kpi_median_pay"), value,
                      t("kpi_median_pay_hint", level=c("government_level", row["government_level"]))))
else:
    cards.append(("median_pm_pay", t("kpi_median_pay"), "—", t("kpi_pay_missing")))
page.kpis(cards)

# %%
by_level = positions.group_by("government_level").agg(pl.col("positions").sum()).sort("positions", descending=True)
page.show(charts.bar(
    page, [c("government_level", v) for v in by_level["government_level"]], by_level["positions"].to_list(),
    colors=[LEVEL_COLORS[v] for v in by_level["government_level"]], title=t("chart_positions_by_level"),
    value_title=t("positions_axis"), height=260), read=SUM_NOTE)

# %%
group_long = (
    groups.filter(pl.col("total") > 0)
    .unpivot(index=["servant_group", "display_order"], on=["national", "regional", "local", "unknown_level"],
             variable_name="government_level", value_name="positions")
    .with_columns(pl.col("government_level").replace("unknown_level", "unknown"))
    .filter(pl.col("positions") > 0)
)
group_codes = groups.filter(pl.col("total") > 0).sort("display_order")["servant_group"].to_list()
page.show(charts.stacked(
    page, group_long, category="government_level", stack="servant_group", value="positions",
    title=t("chart_groups_by_level"), value_title=t("positions_axis"), horizontal=True,
    category_labels={lv: c("government_level", lv) for lv in LEVELS},
    stack_labels={g: c("servant_group", g) for g in group_codes}, colors=GROUP_COLORS, stack_order=group_codes,
    height=300), read=SUM_NOTE)

# %%
role_long = roles.drop_nulls("positions").group_by("government_level", "role").agg(pl.col("positions").sum())
page.show(charts.stacked(
    page, role_long, category="government_level", stack="role", value="positions",
    title=t("chart_roles_by_level"), value_title=t("pm"), horizontal=True,
    category_labels={lv: c("government_level", lv) for lv in LEVELS},
    stack_labels={r: c("role", r) for r in ROLE_COLORS}, colors=ROLE_COLORS, stack_order=["PS", "S", "OS"],
    height=300), read=SUM_NOTE)

# %%
tpm_long = (
    tpm.filter(pl.col("government_level") != "total")
    .unpivot(index="government_level", on=["tpm", "pm_not_tpm"], variable_name="kind", value_name="positions")
    .drop_nulls("positions")
)
page.show(charts.stacked(
    page, tpm_long, category="government_level", stack="kind", value="positions",
    title=t("chart_tpm_by_level"), value_title=t("pm"), horizontal=True,
    category_labels={lv: c("government_level", lv) for lv in LEVELS},
    stack_labels={"tpm": t("tpm"), "pm_not_tpm": t("pm_not_tpm")},
    colors={"tpm": ROLE_COLORS["PS"], "pm_not_tpm": "#c9b8dd"}, stack_order=["tpm", "pm_not_tpm"], height=300),
    read=SUM_NOTE)

# %%
status = (
    caps.unpivot(index="entity_id", on=["pm_cap_breach", "entity_cap_breach"], variable_name="cap",
                 value_name="breach")
    .with_columns(pl.when(pl.col("breach").is_null()).then(pl.lit("unknown"))
                  .when(pl.col("breach")).then(pl.lit("breach")).otherwise(pl.lit("within")).alias("status"))
    .group_by("cap", "status").agg(pl.len().alias("entities"))
)
page.show(charts.stacked(
    page, status, category="cap", stack="status", value="entities", title=t("chart_caps_share"),
    value_title=t("share"), horizontal=True, normalize=True, category_order=["pm_cap_breach", "entity_cap_breach"],
    category_labels={"pm_cap_breach": t("pm_cap_breach"), "entity_cap_breach": t("entity_cap_breach")},
    stack_labels={"breach": t("breach"), "within": t("within"), "unknown": t("unknown")}, colors=STATUS_COLORS,
    stack_order=["breach", "within", "unknown"], height=260))

# %%
if pay_by_level is not None and pay_by_level.height:
    page.show(charts.bar(
        page, [c("government_level", v) for v in pay_by_level["government_level"]],
        pay_by_level["median_pay"].to_list(),
        colors=[LEVEL_COLORS.get(v, charts.NEUTRAL) for v in pay_by_level["government_level"]],
        title=t("chart_pay_by_level"), value_title=t("median_pay"), percent_of_total=False,
        value_format=lambda v: "S/ " + labels.number(v), counts=pay_by_level["people"].to_list(),
        hidden=pay_by_level["is_suppressed"].to_list(), height=260,
        hover_extra=[f"<br>{t('people')}: {page.count(n, hidden)}"
                     for n, hidden in pay_by_level.select("people", "is_suppressed").iter_rows()]))
elif pay_by_level is not None:  # built, but the registry carries no pay
    page.note(t("kpi_pay_no_data"))
else:
    page.not_available(["mart_pay_quantiles"])

# %%
page.footer(caveats=[t("brief_notes"), t("caps_notes")])
