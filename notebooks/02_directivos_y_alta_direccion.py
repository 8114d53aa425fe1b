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
# TITLE [es] Directivos públicos y alta dirección pública
# TITLE [en] Public managers and top public management
# PO/PM/CA (Table 9, Graph 15), TPM (Table 12, Graphs 16-17), PM roles (Graphs 21-22), from the marts.
import polars as pl

from pipelines.report import charts, labels
from pipelines.report.charts import GROUP_COLORS, LEVEL_COLORS, ROLE_COLORS

# %% tags=["parameters"]
# snapshot "" = the latest snapshot with marts; data_dir "" = SERVIR_PM_DATA or ./data
snapshot = ""
lang = "es"
data_dir = ""

# %%
page = charts.Page(snapshot, lang, data_dir, marts=["headline_figures", "servant_groups", "tpm", "pm_roles",
                                                   "tpm_regional_managements", "reconciliation", "tpm_by_item",
                                                   "pm_coverage", "pm_by_unit_type",
                                                   "public_officers_by_table5"])
t, c = page.t, page.c
# As the export published them: blanked cells (small, or revealing one by subtraction) are null, and
# every sum below adds published values only (seeds/publication/suppression_margins.csv).
groups = page.published("servant_groups").sort("display_order")
tpm = page.published("tpm")
roles = page.published("pm_roles").drop_nulls("positions")
SUM_NOTE = t("published_sum_note")
page.header("managers_title", "managers_intro")
ROLES = ["PS", "S", "OS"]
# Level columns of the wide marts -> their government_level code (one label, category_labels.csv).
LEVEL_COLUMNS = {"national": "national", "regional": "regional", "local": "local", "unknown_level": "unknown"}
level_headers = {col: c("government_level", code) for col, code in LEVEL_COLUMNS.items()}
levels_present = [col for col in LEVEL_COLUMNS if groups[col].fill_null(1).sum() > 0]
level_labels = {lv: c("government_level", lv) for lv in ["national", "regional", "local", "unknown", "total"]}

headline = page.published("headline_figures").row(0, named=True)  # one definition for every page
pm_total = headline["pm_positions"]
page.kpis([
    ("pm", t("kpi_pm"), page.count(pm_total), ""),
    ("tpm", t("kpi_tpm"), page.count(headline["tpm_positions"]),
     t("kpi_tpm_hint", share=labels.percent(headline["tpm_share_of_pm"]))),
])

# %%
page.section(t("t9"))
# A column's total is shown only when every cell of it is published (then it is their sum and
# reveals nothing); a column with a blanked cell has no published total and shows "—".
column_totals = groups.select(
    pl.when(pl.col(col).null_count() == 0).then(pl.col(col).sum()).alias(col) for col in [*LEVEL_COLUMNS, "total"])
table9 = pl.concat([
    groups.with_columns(pl.col("servant_group").map_elements(lambda g: c("servant_group", g),
                                                              return_dtype=pl.String).alias("label")),
    column_totals.with_columns(pl.lit(t("total")).alias("label"), pl.lit(False).alias("is_suppressed")),
], how="diagonal")
page.table(table9, {"label": t("servant_group"), **{col: level_headers[col] for col in levels_present},
                    "total": t("total")}, numeric=[*levels_present, "total"], total_row=True)
if column_totals.select(pl.any_horizontal(pl.all().is_null())).item():
    page.note(t("total_not_published"))

# %%
g15 = (
    groups.unpivot(index="servant_group", on=levels_present, variable_name="government_level", value_name="positions")
    .with_columns(pl.col("government_level").replace("unknown_level", "unknown"))
    .filter(pl.col("positions") > 0)
)
codes = [g for g in groups["servant_group"] if g in g15["servant_group"]]
page.show(charts.stacked(
    page, g15, category="government_level", stack="servant_group", value="positions", title=t("g15"),
    value_title=t("share"), horizontal=True, normalize=True, category_labels=level_labels,
    stack_labels={g: c("servant_group", g) for g in codes}, colors=GROUP_COLORS, stack_order=codes, height=300),
    read=SUM_NOTE)

# %%
page.section(t("t12"))
table12 = tpm.with_columns(
    pl.col("government_level").replace_strict(level_labels, default=pl.col("government_level")).alias("label"),
    pl.col("government_level").replace_strict({"national": 0, "regional": 1, "local": 2, "total": 9},
                                              default=5).alias("_order"),
).sort("_order")
share_cells = {"tpm_share_of_pm": lambda v: labels.percent(v, 1), "share_of_all_tpm": lambda v: labels.percent(v, 1)}
page.table(table12, {"label": t("government_level"), "tpm": t("tpm"), "pm_not_tpm": t("pm_not_tpm"),
                     "pm": t("pm"), "tpm_share_of_pm": t("tpm_share_of_pm"), "share_of_all_tpm": t("share_of_all_tpm")},
           numeric=["tpm", "pm_not_tpm", "pm", "tpm_share_of_pm", "share_of_all_tpm"], formats=share_cells,
           total_row=True)

# %%
total_row = tpm.filter(pl.col("government_level") == "total")
page.show(charts.donut(
    page, [t("tpm"), t("pm_not_tpm")], [total_row["tpm"].sum(), total_row["pm_not_tpm"].sum()],
    [ROLE_COLORS["PS"], "#c9b8dd"], title=t("g16"), height=340))
by_level = tpm.filter(pl.col("government_level") != "total")
page.show(charts.bar(
    page, [c("government_level", v) for v in by_level["government_level"]], by_level["tpm"].to_list(),
    colors=[LEVEL_COLORS[v] for v in by_level["government_level"]], title=t("g17"), value_title=t("tpm"),
    hover_extra=[f"<br>{t('tpm_share_of_pm')}: {labels.percent(s, 1)}" for s in by_level["tpm_share_of_pm"]],
    height=260))

# %%
# Table 11 item 3 per regional government: which of the four managements exist (issue 13).
managements = page.published("tpm_regional_managements", required=False)
recon = page.published("reconciliation", required=False)
if managements is not None and managements.height:
    page.section(t("tpm3_title"))
    # A status is blanked with its count of 1-4 matching positions (seeds/publication): such a
    # government counts in its own column, and a status column the export never published (present,
    # one position, under the usual threshold) is left out rather than shown as 0.
    STATUSES = [s for s in ["present", "duplicated", "missing"] if (managements["status"] == s).any()]
    # TPM per management: a sum only when every government's cell is published ("—" otherwise: a sum
    # of the published cells alone would read as the management's count).
    per_management = managements.group_by("management").agg(
        *[(pl.col("status") == s).sum().alias(s) for s in STATUSES],
        pl.col("status").is_null().sum().alias("status_blanked"),
        pl.when(pl.col("tpm_positions").null_count() == 0).then(pl.col("tpm_positions").sum())).sort("management")
    per_management = per_management.with_columns(page.labelled("tpm_management", "management").alias("label"))
    blanked = ["status_blanked"] if per_management["status_blanked"].sum() else []
    page.table(per_management, {"label": t("management"), **{s: t(f"status_{s}") for s in STATUSES},
                                **{b: t(b) for b in blanked}, "tpm_positions": t("tpm")},
               numeric=[*STATUSES, *blanked, "tpm_positions"])
    if per_management["tpm_positions"].null_count():
        page.note(t("total_not_published"))
    missing = managements.filter(pl.col("status") == "missing")
    published = None
    if recon is not None:
        row = recon.filter(pl.col("figure_id") == "tpm_regional")
        published = row["published_value"].max() if row.height else None
    n_governments, n_managements = managements["entity_id"].n_unique(), managements["management"].n_unique()
    page.note(t("tpm3_note", governments=labels.number(n_governments), managements=labels.number(n_managements),
                max_tpm=labels.number(n_managements * n_governments),
                published=labels.number(published) if published is not None else "—",
                missing=", ".join(f"{e} ({c('tpm_management', m)})" for e, m in
                                  missing.select("entity_name", "management").iter_rows()) or "—"))

# %%
# The analyses SERVIR 2016 makes (issue 13): TPM by Table 11 item, who holds PM/TPM, type A vs B.
by_item = page.published("tpm_by_item", required=False)  # as exported: small cells blanked


def share_or_suppressed(value: float | None) -> str:
    return t("suppressed") if value is None else labels.percent(value, 1)


if by_item is not None and by_item.height:
    page.section(t("tpm_by_item_title"))
    # Shares of fewer than 5 people are blanked as published (seeds/publication/suppression_rules.csv).
    items = by_item.with_columns(
        page.labelled("government_level", "government_level").alias("level_label"),
        page.labelled("entity_classification", "entity_classification").alias("class_label"),
    ).sort("government_level", "tpm_rule", pl.col("tpm_positions"), "class_label",
           descending=[False, False, True, False])
    # A registry without appointment data (headline) has no appointees to count: "sin dato", not 0.
    appointed = {"appointed_share": share_or_suppressed} if headline["has_appointment_data"] else \
        {"appointed_tpm": lambda _: t("no_data"), "appointed_share": lambda _: t("no_data")}
    page.table(items, {"level_label": t("government_level"), "tpm_rule": t("tpm_item"),
                       "class_label": t("entity_classification"), "tpm_positions": t("tpm"),
                       "appointed_tpm": t("appointed"), "appointed_share": t("appointed_share")},
               numeric=["tpm_positions", "appointed_tpm", "appointed_share"], formats=appointed)

coverage = page.published("pm_coverage", required=False)
if coverage is not None and coverage.height:
    page.section(t("pm_coverage_title"))
    # The scope codes PM / TPM are the page text keys pm / tpm (DP / ADP). A share the registry cannot
    # give is "sin dato", not 0% nor "<5": appointments or the Public Managers Corps when the headline
    # says the registry has no appointment or labor-regime data, women where no position has its
    # holder's sex (a published 0).
    cov = coverage.with_columns(
        page.labelled("government_level", "government_level").alias("level_label"),
        pl.col("scope").replace_strict({s: t(s.lower()) for s in coverage["scope"].unique()}).alias("scope_label"),
        pl.when(pl.col("positions_with_sex") == 0).then(pl.lit(t("no_data"))).otherwise(
            pl.col("women_share").map_elements(share_or_suppressed, return_dtype=pl.String, skip_nulls=False)
        ).alias("women_shown"))
    cov = cov.sort("scope", "government_level")
    share = {"pmc_share": share_or_suppressed, "appointed_share": share_or_suppressed, "women_shown": str}
    if not headline["has_appointment_data"]:
        share["appointed_share"] = lambda _: t("no_data")
    if not headline["has_labor_regime_data"]:
        share["pmc_share"] = lambda _: t("no_data")
    page.table(cov, {"scope_label": t("scope"), "level_label": t("government_level"), "positions": t("positions"),
                     "occupied_positions": t("occupied"), "pmc_share": t("pmc_share"),
                     "appointed_share": t("appointed_share"), "women_shown": t("women_share")},
               numeric=["positions", "occupied_positions", "pmc_share", "appointed_share", "women_shown"],
               formats=share)

unit_types = page.published("pm_by_unit_type", required=False)
if unit_types is not None and unit_types.height:
    page.section(t("unit_type_title"))
    ut = unit_types.with_columns(
        pl.col("government_level").map_elements(lambda v: c("government_level", v), return_dtype=pl.String)
        .alias("level_label"),
        pl.col("unit_type").map_elements(lambda v: c("unit_type", v), return_dtype=pl.String).alias("type_label"),
    ).sort("government_level", "unit_type")
    counts = ["positions", "po_positions", "pm_positions", "tpm_positions", "ca_positions"]
    page.table(ut, {"level_label": t("government_level"), "type_label": t("unit_type"), "positions": t("positions"),
                    "po_positions": c("servant_group", "PO"), "pm_positions": c("servant_group", "PM"),
                    "tpm_positions": t("tpm"), "ca_positions": c("servant_group", "CA")}, numeric=counts)
    page.note(t("unit_type_note"))

# %%
for level, key in [("national", "g21"), ("regional", "g22")]:
    part = roles.filter(pl.col("government_level") == level).group_by("entity_classification", "role").agg(
        pl.col("positions").sum())
    if part.height == 0:
        continue
    page.show(charts.stacked(
        page, part, category="entity_classification", stack="role", value="positions", title=t(key),
        value_title=t("pm"), horizontal=True,
        category_labels={e: c("entity_classification", e) for e in part["entity_classification"].unique()},
        stack_labels={r: c("role", r) for r in ROLES}, colors=ROLE_COLORS, stack_order=ROLES), read=SUM_NOTE)

# %%
TOP = 15
by_sector = roles.group_by("sector", "role").agg(pl.col("positions").sum())
top = by_sector.group_by("sector").agg(pl.col("positions").sum()).sort(
    ["positions", "sector"], descending=[True, False], nulls_last=True).head(TOP)  # ties: by name, every run alike
page.show(charts.stacked(
    page, by_sector.filter(pl.col("sector").is_in(top["sector"].to_list())), category="sector", stack="role",
    value="positions", title=t("roles_by_sector"), value_title=t("pm"), horizontal=True,
    category_labels={s: labels.sector(s) for s in top["sector"]}, stack_labels={r: c("role", r) for r in ROLES},
    colors=ROLE_COLORS, stack_order=ROLES), read=SUM_NOTE)

# %%
# Public officers by Table 5 category (000:968-970, 977-978; issue 13 item 9): how they come to
# office. Labels and the section title come from seeds/rules/table5_categories.csv (via the mart).
table5 = page.published("public_officers_by_table5", required=False)  # as exported: small cells blanked
if table5 is not None and table5.height:
    table5 = table5.sort("display_order")
    page.section(table5[f"table_label_{lang}"][0])
    t5_levels = [col for col in LEVEL_COLUMNS if table5[col].fill_null(0).sum() > 0]
    page.table(table5, {f"label_{lang}": c("servant_group", "PO"), **{col: level_headers[col] for col in t5_levels},
                        "total": t("total")}, numeric=[*t5_levels, "total"])

# %%
page.footer(caveats=[t("managers_notes"), t("sector_names_note")])
