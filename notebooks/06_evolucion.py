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
# TITLE [es] Evolución entre cortes
# TITLE [en] Change between snapshots
# How the public managers group changes from one snapshot to the next, from the history marts:
# mart_history_trends (trend up to this snapshot, via marts.load_history so an older snapshot's page
# does not change when newer snapshots arrive), mart_position_changes and mart_turnover (changes into
# this snapshot). Occupants are never shown; counts go through the same suppression as other pages.
import polars as pl

from pipelines.build import marts
from pipelines.disclosure import suppress as disclosure
from pipelines.report import charts, labels
from pipelines.report.charts import GROUP_COLORS, LEVEL_COLORS, ROLE_COLORS

# %% tags=["parameters"]
# snapshot "" = the latest snapshot with marts; data_dir "" = SERVIR_PM_DATA or ./data
snapshot = ""
lang = "es"
data_dir = ""

# %%
page = charts.Page(snapshot, lang, data_dir, marts=["headline_figures", "pay_quantiles", "history_trends",
                                                   "position_changes", "turnover"])
t, c = page.t, page.c
trends_now = page.published("history_trends", required=False)  # as exported: small cells blanked
page.header("evo_title", "evo_intro")

LEVELS = ["national", "regional", "local", "unknown"]
ROLES = ["PS", "S", "OS"]
# A position's class on this page: PM by role, every other servant group as itself.
CLASSES = ["PS", "S", "OS", "PM", "CA", "PO", "not_determined", "excluded"]
CLASS_COLORS = {**{k: ROLE_COLORS[k] for k in ROLES}, **GROUP_COLORS}


def class_label(code: str) -> str:
    return t("pm_role_label", role=c("role", code)) if code in ROLES else c("servant_group", code)


count = page.count  # a count of positions as the other pages show it: small cells suppressed


def headline_of(name: str | None) -> dict | None:
    """A snapshot's headline figures as every page shows them (mart_headline_figures, as published), with
    the median PM pay (mart_pay_quantiles); None for no snapshot or a folder without the marts."""
    if not name:
        return None
    figures = page.published("headline_figures", required=False, snapshot=name)
    pay = page.published("pay_quantiles", required=False, snapshot=name)
    if figures is None:
        return None
    row = figures.row(0, named=True)
    pay = None if pay is None else pay.filter((pl.col("servant_group") == "PM") & (pl.col("pay_category") == "all")
                                              & (pl.col("government_level") == "all"))
    row["median_pay_pm"] = pay["median_pay"].item() if pay is not None and pay.height else None
    return row


def change(now: dict, before: dict | None, key: str) -> float | None:
    return None if before is None or now[key] is None or before[key] is None else now[key] - before[key]


def rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


now = None if trends_now is None else trends_now.filter(pl.col("government_level") == "all")
if trends_now is None or now.height == 0:
    page.not_available(page.missing or ["mart_history_trends"])
    now = None
else:
    now = now.row(0, named=True)
previous = None if now is None else now["previous_snapshot"]
first = now is not None and previous is None
if first:
    page.note(t("evo_first"), kind="info")
elif previous:
    page.note(t("evo_compared", snapshot=page.snapshot, previous=previous), kind="info")
if now is not None and now.get("series"):  # history marts built before series existed have none
    page.note(t("evo_series", series=now["series"]), kind="info")

# %%
if now is not None:
    # As the export published them. Turnover sums add only cells whose three counts are all published:
    # a rate never mixes a published count with a blanked one (seeds/publication/suppression_margins.csv).
    # Only what the changes section reads: the list has a row per changed position (552 K at national scale).
    changes = page.published("position_changes", required=False, columns=[
        "previous_servant_group", "previous_role", "current_servant_group", "current_role",
        "is_new", "is_removed", "is_reclassified"]) if previous else None
    turnover = page.published("turnover", required=False) if previous else None
    management = None if turnover is None else turnover.filter(pl.col("is_management_position")).drop_nulls(
        ["positions_compared", "occupants_replaced", "positions_vacated"])
    replaced = vacated = compared = 0
    if management is not None:
        replaced, vacated, compared = (management[col].sum() for col in
                                       ("occupants_replaced", "positions_vacated", "positions_compared"))

    def hint(change: str) -> str:
        return "" if first else t("evo_change_hint", change=change, previous=previous)

    figures, before = headline_of(page.snapshot), headline_of(previous)
    share_change = change(figures, before, "pm_appointed_share")
    pay_change = None if change(figures, before, "median_pay_pm") is None \
        else figures["median_pay_pm"] / before["median_pay_pm"] - 1
    cards = [
        ("pm", t("kpi_pm"), count(figures["pm_positions"]),
         hint(labels.signed(change(figures, before, "pm_positions")))),
        ("tpm", t("kpi_tpm"), count(figures["tpm_positions"]),
         hint(labels.signed(change(figures, before, "tpm_positions")))),
        ("management_positions", t("kpi_management_positions"), count(figures["management_positions"]),
         hint(labels.signed(change(figures, before, "management_positions")))),
        ("pm_appointed_share", t("kpi_pm_appointed_share"), labels.percent(figures["pm_appointed_share"], 1)
         if figures["has_appointment_data"] else t("no_data"),
         hint(t("evo_points", change=labels.signed(None if share_change is None else 100 * share_change, 1)))),
        ("median_pm_pay", t("kpi_median_pay"),
         t("suppressed") if figures["median_pay_pm"] is None else "S/ " + labels.number(figures["median_pay_pm"]),
         hint("—" if pay_change is None else labels.signed(100 * pay_change, 1) + "%")),
    ]
    if not first:
        cards.append(("turnover", t("kpi_turnover"), labels.percent(rate(replaced + vacated, compared), 1),
                      t("kpi_turnover_hint", changes=labels.number(replaced + vacated),
                        compared=labels.number(compared)) if compared else t("kpi_turnover_missing")))
    page.kpis(cards[:3])  # counts, then shares, pay and turnover: two even rows
    page.kpis(cards[3:])

# %%
if now is not None:
    page.section(t("evo_trend"))
    try:
        history = marts.load_history("history_trends", upto=page.snapshot)
    except FileNotFoundError:  # an older folder without the history marts: this snapshot alone
        history = trends_now
    history = disclosure.suppress(history, "mart_history_trends")
    order = history["snapshot"].unique(maintain_order=True).to_list()
    levels = [lv for lv in LEVELS
              if history.filter((pl.col("government_level") == lv) & (pl.col("pm_positions") > 0)).height]
    level_labels = {lv: c("government_level", lv) for lv in [*LEVELS, "all"]}

    totals = history.filter(pl.col("government_level") == "all").unpivot(
        index="snapshot", on=["pm_positions", "tpm_positions", "ca_positions"], variable_name="kind",
        value_name="positions")
    page.show(charts.line(
        page, totals, x="snapshot", series="kind", value="positions", counts="positions", x_order=order,
        title=t("evo_trend_groups"), value_title=t("positions"),
        series_labels={"pm_positions": t("kpi_pm"), "tpm_positions": t("kpi_tpm"), "ca_positions": t("evo_ca")},
        colors={"pm_positions": GROUP_COLORS["PM"], "tpm_positions": ROLE_COLORS["PS"],
                "ca_positions": GROUP_COLORS["CA"]},
        series_order=["pm_positions", "tpm_positions", "ca_positions"], change_format=labels.signed),
        read=t("evo_trend_groups_read"))

    by_level = history.filter(pl.col("government_level").is_in(levels))
    page.show(charts.line(
        page, by_level, x="snapshot", series="government_level", value="pm_positions", counts="pm_positions",
        x_order=order, title=t("evo_trend_pm_level"), value_title=t("kpi_pm"), series_labels=level_labels,
        colors=LEVEL_COLORS, series_order=levels, change_format=labels.signed), read=t("evo_trend_pm_level_read"))

    with_all = history.filter(pl.col("government_level").is_in([*levels, "all"]))
    page.show(charts.line(
        page, with_all, x="snapshot", series="government_level", value="pm_appointed_share", counts="pm_positions",
        x_order=order, title=t("evo_trend_share"), value_title=t("pct_axis"), series_labels=level_labels,
        colors=LEVEL_COLORS, series_order=[*levels, "all"], value_format=lambda v: labels.percent(v, 1),
        change_format=lambda d: t("evo_points", change=labels.signed(100 * d, 1)), axis_format=".0%",
        value_range=[0, 1.05], label_last=False), read=t("evo_trend_share_read"))

    page.show(charts.line(
        page, with_all, x="snapshot", series="government_level", value="median_pay_pm", counts="pm_with_pay",
        x_order=order, title=t("evo_trend_pay"), value_title=t("median_pay"), series_labels=level_labels,
        colors=LEVEL_COLORS, series_order=[*levels, "all"], value_format=lambda v: "S/ " + labels.number(v),
        change_format=lambda d: labels.signed(d)), read=t("evo_trend_pay_read"))

# %%
FLAGS = {"new": "is_new", "removed": "is_removed", "reclassified": "is_reclassified",
         "replaced": "is_occupant_replaced", "vacated": "is_vacated", "filled": "is_filled"}
# The published position list blanks every occupant flag (seeds/publication/suppression_rules.csv):
# occupant changes are read from mart_turnover's published cells instead, summed (blanked ones left out).
OCCUPANT_COUNTS = {"replaced": "occupants_replaced", "vacated": "positions_vacated", "filled": "positions_filled"}
if now is not None and previous:
    page.section(t("evo_changes"), t("evo_changes_note", previous=previous))
    if changes is None:
        page.not_available(["mart_position_changes"])
    else:
        def class_of(group: str, role: str) -> pl.Expr:
            return (pl.when(pl.col(group) == "PM").then(pl.coalesce(pl.col(role), pl.lit("PM")))
                    .otherwise(pl.col(group)))

        # A removed position counts in its last classification.
        changes = changes.with_columns(
            class_of("previous_servant_group", "previous_role").alias("previous_class"),
            class_of("current_servant_group", "current_role").alias("current_class"),
        ).with_columns(pl.coalesce("current_class", "previous_class").alias("class"))
        occupants = None if turnover is None else turnover.with_columns(
            class_of("servant_group", "role").alias("class")).group_by("class").agg(
            pl.col(list(OCCUPANT_COUNTS.values())).sum())

        def changed(kind: str, flag: str) -> str:
            if kind not in OCCUPANT_COUNTS:
                return count(changes[flag].sum())
            return "—" if occupants is None else count(occupants[OCCUPANT_COUNTS[kind]].sum())

        change_cards = [(f"{kind}_positions", t(f"chg_{kind}"), changed(kind, flag),
                         t(f"chg_{kind}_hint", previous=previous)
                         + (" · " + t("published_cells_hint") if kind in OCCUPANT_COUNTS else ""))
                        for kind, flag in FLAGS.items()]
        page.kpis(change_cards[:3])  # positions, then occupants
        page.kpis(change_cards[3:])
        by_kind = pl.concat([
            changes.filter(pl.col(flag)).group_by("class").agg(pl.len().alias("positions"))
            .with_columns(pl.lit(kind).alias("kind")) for kind, flag in FLAGS.items() if kind not in OCCUPANT_COUNTS
        ] + ([] if occupants is None else [
            occupants.select("class", pl.col(column).alias("positions"), pl.lit(kind).alias("kind"))
            .filter(pl.col("positions") > 0) for kind, column in OCCUPANT_COUNTS.items()
        ]), how="vertical_relaxed")
        if by_kind.height == 0:
            page.note(t("evo_no_changes", previous=previous, snapshot=page.snapshot))
        else:
            present = [k for k in CLASSES if k in by_kind["class"]]
            page.show(charts.stacked(
                page, by_kind, category="kind", stack="class", value="positions", title=t("evo_changes_chart"),
                value_title=t("positions"), horizontal=True, category_order=list(FLAGS),
                category_labels={k: t(f"chg_{k}") for k in FLAGS}, stack_labels={k: class_label(k) for k in present},
                colors=CLASS_COLORS, stack_order=present, height=380),
                read=t("evo_changes_chart_read") + " " + t("published_sum_note"))

        # Reclassification matrix: previous class (rows) -> current class (columns).
        page.section(t("evo_reclass"))
        moved = changes.filter(pl.col("is_reclassified")).group_by("previous_class", "current_class").agg(
            pl.len().alias("positions"))
        if moved.height == 0:
            page.note(t("evo_reclass_none"))
        else:
            rows = [k for k in CLASSES if k in moved["previous_class"]]
            cols = [k for k in CLASSES if k in moved["current_class"]]
            lookup = {(r["previous_class"], r["current_class"]): r["positions"] for r in moved.iter_rows(named=True)}
            matrix = pl.DataFrame([{"label": class_label(r), **{k: lookup.get((r, k)) for k in cols}} for r in rows],
                                  schema={"label": pl.String, **{k: pl.Int64 for k in cols}})
            page.table(matrix, {"label": t("previous_classification"), **{k: class_label(k) for k in cols}},
                       numeric=cols)
            read = t("evo_reclass_read", previous=previous, snapshot=page.snapshot)
            if moved.filter(pl.col("previous_class") == pl.col("current_class")).height:
                read += " " + t("evo_reclass_diagonal")
            page.note(read)

# %%
if now is not None and previous:
    page.section(t("evo_turnover"), t("evo_turnover_note"))
    if management is None:
        page.not_available(["mart_turnover"])
    elif compared == 0:
        page.note(t("evo_turnover_missing"))
    else:
        def turnover_by(key: pl.Expr) -> pl.DataFrame:
            return management.group_by(key.alias("key")).agg(
                pl.col("positions_compared", "occupants_replaced", "positions_vacated").sum()
            ).with_columns(((pl.col("occupants_replaced") + pl.col("positions_vacated"))
                            / pl.when(pl.col("positions_compared") > 0).then(pl.col("positions_compared")))
                           .alias("rate"))

        def turnover_bar(frame: pl.DataFrame, keys: list[str], names: list[str], title: str,
                         colors: list[str]) -> None:
            frame = frame.filter(pl.col("key").is_in(keys)).sort(
                pl.col("key").replace_strict({k: i for i, k in enumerate(keys)}))
            kept = frame["key"].to_list()
            top = frame["rate"].max() or 0  # small rates need decimals on the axis, or every tick reads 0%
            axis = ".2%" if top < 0.01 else ".1%" if top < 0.1 else ".0%"
            decimals = 2 if top < 0.01 else 1
            page.show(charts.bar(
                page, [names[keys.index(k)] for k in kept], frame["rate"].to_list(), title=title,
                value_title=t("turnover_axis"), colors=[colors[keys.index(k)] for k in kept], sort=False,
                percent_of_total=False, value_format=lambda v: labels.percent(v, decimals), axis_format=axis,
                counts=frame["positions_compared"].to_list(),
                hover_extra=["" if disclosure.is_small(n) else
                             f"<br>{t('occupants_replaced')}: {labels.number(r)} · {t('positions_vacated')}: "
                             f"{labels.number(v)}<br>{t('positions_compared')}: {labels.number(n)}"
                             for r, v, n in zip(frame["occupants_replaced"], frame["positions_vacated"],
                                                frame["positions_compared"], strict=True)],
                height=max(260, 50 * len(kept) + 140)), read=t("evo_turnover_read") + " " + t("published_sum_note"))

        role_keys = [*ROLES, "CA"]
        turnover_bar(turnover_by(pl.when(pl.col("servant_group") == "PM").then(pl.col("role"))
                                 .otherwise(pl.col("servant_group"))),
                     role_keys, [class_label(k) for k in role_keys],
                     t("evo_turnover_role"), [ROLE_COLORS[k] for k in role_keys])
        turnover_bar(turnover_by(pl.col("government_level")), LEVELS, [c("government_level", lv) for lv in LEVELS],
                     t("evo_turnover_level"), [LEVEL_COLORS[lv] for lv in LEVELS])

        # Entities: only those with at least 5 positions compared (the suppression threshold) are ranked.
        page.section(t("evo_turnover_top"), t("published_sum_note"))
        entities = (
            management.group_by("entity_id").agg(
                pl.col("entity_name").first(), pl.col("government_level").first(),
                pl.col("positions_compared", "occupants_replaced", "positions_vacated").sum())
            .with_columns((pl.col("occupants_replaced") + pl.col("positions_vacated")).alias("changes"))
            .filter((pl.col("positions_compared") >= disclosure.threshold()) & (pl.col("changes") > 0))
            .with_columns((pl.col("changes") / pl.col("positions_compared")).alias("rate"),
                          pl.col("government_level").replace_strict(
                              {lv: c("government_level", lv) for lv in LEVELS},
                              default=pl.col("government_level")).alias("level"))
            .sort(["rate", "positions_compared", "entity_name"], descending=[True, True, False])
        )
        if entities.height == 0:
            page.note(t("evo_turnover_top_none"))
        else:
            page.table(entities, {"entity_name": t("entity"), "level": t("government_level"),
                                  "positions_compared": t("positions_compared"), "rate": t("turnover_axis")},
                       numeric=["positions_compared", "rate"], formats={"rate": lambda v: labels.percent(v, 1)},
                       max_rows=15)

# %%
page.footer(caveats=[t("evo_notes"), t("brief_notes")])
