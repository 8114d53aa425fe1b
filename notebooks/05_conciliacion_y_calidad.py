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
# TITLE [es] Conciliación y calidad
# TITLE [en] Reconciliation and quality
# Reconciliation with SERVIR's published figures (incl. findings in the source), quarantine (from the
# snapshot's ingestion manifest: run metadata), unclassified positions and assumption impact.
import html
import textwrap

import plotly.graph_objects as go
import polars as pl

from pipelines.report import charts, labels
from pipelines.report.charts import GROUP_COLORS, NEUTRAL, STATUS_COLORS

# %% tags=["parameters"]
# snapshot "" = the latest snapshot with marts; data_dir "" = SERVIR_PM_DATA or ./data
snapshot = ""
lang = "es"
data_dir = ""

# %%
page = charts.Page(snapshot, lang, data_dir, marts=["reconciliation", "unclassified", "assumption_impact",
                                                   "rule_cells"])
t, c = page.t, page.c
recon = page.published("reconciliation")
unclassified = page.published("unclassified")
impact = page.published("assumption_impact")
manifest = page.manifest()
page.header("quality_title", "quality_intro")

# What each figure is, in the page's language (the reference seeds' label columns), with its scope.
figure_label = pl.concat_str(page.labelled("reference_figure", "figure_id"), pl.lit(" ("),
                             page.labelled("government_level", "scope"), pl.lit(")"))
computed = recon.filter(pl.col("check_type") == "published_vs_computed").with_columns(figure_label.alias("label"))
source = recon.filter(pl.col("check_type") == "source_consistency").with_columns(
    page.labelled("reference_identity", "check_id").alias("label"))
findings = source.filter(~pl.col("within_tolerance"))
# Only a series calibrated to SERVIR's 2016 figures (the synthetic sample) is *tested* against them
# (seeds/reference/series_reconciliation.csv); for any other snapshot the 2016 figures are shown next
# to this snapshot's ("cifras publicadas 2016 frente a este corte"), with no pass/fail.
as_test = bool(computed["is_reconciliation_test"].any()) if "is_reconciliation_test" in computed.columns else True
mode = "test" if as_test else "comparison"
quarantined = sum(tb.get("rows_quarantined", 0) for tb in (manifest or {}).get("tables", {}).values())
read = sum(tb.get("rows_read", 0) for tb in (manifest or {}).get("tables", {}).values())
page.kpis([
    ("recon_within", t("kpi_recon_ok"), f"{computed['within_tolerance'].sum()} / {computed.height}", "")
    if as_test else ("recon_compared", t("kpi_recon_compared"), labels.number(computed.height), "SERVIR (2016)"),
    ("source_findings", t("kpi_source_findings"), labels.number(findings.height), "SERVIR (2016)"),
    ("quarantined", t("kpi_quarantined"), labels.number(quarantined) if manifest else "—",
     f"{labels.number(read)} {t('rows_read').lower()}" if manifest else t("manifest_missing")),
    ("unclassified", t("kpi_unclassified"), labels.number(unclassified.height), ""),
])


def value(v: float | None) -> str:
    if v is None:
        return "—"
    if float(v).is_integer():
        return labels.number(v)
    return labels.percent(v, 1) if abs(v) < 1 else labels.number(v, 2)


# %%
shown = computed.filter(pl.col("relative_difference").is_not_null()).sort("relative_difference")
status = ["within" if ok else "breach" for ok in shown["within_tolerance"]]


def wrapped(text: str, width: int = 60) -> str:
    """An axis label on lines of at most `width` characters (the whole label: no two bars merge)."""
    return "<br>".join(textwrap.wrap(text, width))


fig = go.Figure(go.Bar(
    x=shown["relative_difference"].to_list(), y=[wrapped(v) for v in shown["label"]], orientation="h",
    marker_color=[STATUS_COLORS[s] for s in status] if as_test else NEUTRAL,
    hovertext=[f"<b>{html.escape(r['label'])}</b><br>"
               f"{t('published')}: {value(r['published_value'])} · {t('computed')}: {value(r['computed_value'])}<br>"
               f"{t('difference')}: {labels.percent(r['relative_difference'], 1)}"
               + (f" ({t('tolerance')} {value(r['tolerance'])} {c('tolerance_type', r['tolerance_type'])})"
                  if as_test else "")
               for r in shown.iter_rows(named=True)], hoverinfo="text"))
fig.update_layout(title=t(f"recon_chart_{mode}"), height=max(360, 36 * shown.height + 140), showlegend=False)
fig.update_xaxes(title=t("recon_axis"), tickformat=".0%", zeroline=True, zerolinecolor="#555")
fig.update_yaxes(tickfont={"size": 11})
page.show(fig)

# %%
page.section(t(f"recon_table_{mode}"), t(f"recon_note_{mode}", n=computed.height - computed["within_tolerance"].sum(),
                                           total=computed.height))


def yes_no(ok: bool) -> str:
    return f'<span class="{"good" if ok else "bad"}">{t("yes") if ok else t("no")}</span>'


def computed_or_no_data(v: float | None) -> str:
    """A figure the registry cannot give (e.g. appointments in a directory without them): "sin dato"."""
    return t("no_data") if v is None else value(v)


fmt = {"published_value": value, "computed_value": computed_or_no_data, "difference": value, "within_tolerance": yes_no}
# A test lists the figures outside their tolerance; a comparison lists every figure, with no verdict.
verdict = {"within_tolerance": t("within_tolerance")} if as_test else {}
page.table(computed.filter(~pl.col("within_tolerance") | (not as_test)).sort("check_id"),
           {"label": t("figure"), "published_value": t("published_2016"),
            "computed_value": t("computed_snapshot"), "difference": t("difference"), **verdict},
           numeric=["published_value", "computed_value", "difference"], formats=fmt, max_rows=60)

# %%
page.section(t("source_findings"), t("source_findings_note", n=findings.height, total=source.height))
page.table(findings.sort("check_id"),
           {"label": t("figure"), "published_value": t("published"),
            "computed_value": t("computed"), "within_tolerance": t("within_tolerance")},
           numeric=["published_value", "computed_value"], formats=fmt, max_rows=40)

# %%
page.section(t("quarantine_title"))
if manifest:
    files = pl.DataFrame([
        {"file": f["file"].rsplit("/", 1)[-1], "table": c("table", f["table"]), "rows_read": f["rows_read"],
         "rows_valid": f["rows_valid"], "rows_quarantined": f["rows_quarantined"],
         "reason": "; ".join(f"{c('quarantine_reason', k)}: {labels.number(v)}"
                             for k, v in (f.get("quarantined_by_reason") or {}).items()) or "—"}
        for f in manifest.get("files", [])])
    # Quarantine counts are row counts of the analyst's files, not people: shown exactly.
    page.table(files, {"file": t("file"), "table": t("table"), "rows_read": t("rows_read"),
                       "rows_valid": t("rows_valid"), "rows_quarantined": t("rows_quarantined"), "reason": t("reason")},
               numeric=["rows_read", "rows_valid", "rows_quarantined"],
               formats={k: labels.number for k in ["rows_read", "rows_valid", "rows_quarantined"]})
else:
    page.note(t("manifest_missing"), kind="warn")

# %%
page.section(t("unclassified_title"))
if unclassified.height:
    reasons = unclassified.group_by("rule_key").agg(pl.len().alias("positions")).with_columns(
        page.labelled("classification_outcome", "rule_key").alias("reason"))
    page.show(charts.bar(page, reasons["reason"].to_list(), reasons["positions"].to_list(),
                         title="", value_title=t("positions"),
                         colors=GROUP_COLORS["not_determined"]))
else:
    page.note(t("unclassified_none"))

# %%
page.section(t("assumptions_title"))
# One bar per assumption switched off, and per other variant of A2's type-B reading.
impact = impact.with_columns(pl.when(pl.col("scenario") == "off").then(pl.col("assumption")).otherwise(
    pl.col("assumption") + " · " + pl.col("scenario").map_elements(
        lambda s: c("assumption_scenario", s), return_dtype=pl.String)).alias("scenario_label"))
per_assumption = impact.group_by("assumption", "scenario", "scenario_label", "description", "assumption_on").agg(
    pl.col("positions_touched").first(), pl.col("assumption_positions_moved").first()).sort("assumption", "scenario")
fig = go.Figure()
for col, color in [("positions_touched", "#a9c4de"), ("assumption_positions_moved", "#1f4e79")]:
    fig.add_trace(go.Bar(
        name=t("positions_touched" if col == "positions_touched" else "positions_moved"),
        y=per_assumption["scenario_label"].to_list(), x=per_assumption[col].to_list(), orientation="h",
        marker_color=color, text=[labels.number(v) for v in per_assumption[col]], textposition="outside",
        cliponaxis=False,
        hovertext=[f"<b>{a}</b>: {html.escape(c('assumption', a))}<br>{labels.number(v)}" for a, v in
                   zip(per_assumption["assumption"], per_assumption[col], strict=True)],
        hoverinfo="text"))
fig.update_layout(barmode="group", height=300)
fig.update_xaxes(title=t("positions"), tickformat=",")
fig.update_yaxes(autorange="reversed")
page.show(fig)


def state(group: str | None, role: str | None, is_tpm: bool | None) -> str:
    if group is None:
        return "—"
    text = c("servant_group", group)
    if role:
        text += f" · {c('role_short', role)}"
    if is_tpm:
        text += f" · {t('tpm')}"
    return text


# A blanked count (null, is_suppressed) stays listed as "<5": the move exists, its size is not published.
moves = impact.filter((pl.col("positions_moved") > 0)
                      | (pl.col("positions_moved").is_null() & pl.col("is_suppressed"))).with_columns(*[
    pl.struct(f"{side}_servant_group", f"{side}_role", f"{side}_is_tpm").map_elements(
        lambda r, side=side: state(r[f"{side}_servant_group"], r[f"{side}_role"], r[f"{side}_is_tpm"]),
        return_dtype=pl.String).alias(side)
    for side in ("from", "to")
]).sort("assumption", "scenario", pl.col("positions_moved"), descending=[False, False, True], nulls_last=True)
page.table(moves, {"scenario_label": t("assumption"), "from": t("from_state"), "to": t("to_state"),
                   "positions_moved": t("positions_moved")}, numeric=["positions_moved"], max_rows=30)
page.note(" · ".join(f"{a}: {c('assumption', a)}" for a in per_assumption["assumption"].unique(maintain_order=True)))

# %%
# Which rule decided how many positions (Tables 7/8/15/16 as a matrix with counts; issue 13).
cells = page.published("rule_cells", required=False)
if cells is not None and cells.height:
    page.section(t("rule_cells_title"))
    cells = cells.with_columns(pl.col("servant_group").map_elements(
        lambda g: c("servant_group", g), return_dtype=pl.String).alias("group_label")).sort(
        "positions", "rule_key", descending=[True, False], nulls_last=True)
    page.table(cells, {"rule_key": t("rule_key"), "group_label": t("servant_group"), "role": t("role"),
                       "positions": t("positions"), "tpm_positions": t("tpm"), "type_b_positions": t("type_b")},
               numeric=["positions", "tpm_positions", "type_b_positions"], max_rows=40)
    unused = cells.filter((pl.col("positions") == 0) & (pl.col("rule_source") == "classification_rules"))
    page.note(t("rule_cells_note", unused=", ".join(unused["rule_key"].to_list()) or "—"))

# %%
page.footer(caveats=[t(f"quality_notes_{mode}")])
