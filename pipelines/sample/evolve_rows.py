"""One block of the sample's positions evolved: which rows are removed, reclassified, change occupant
or pay, which new positions appear, and the counts of each, from the written values. The change
categories and eligibility rules are described in `evolve.py`; the rates come from its table."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.ingest import contract
from pipelines.sample import spanish
from pipelines.sample.dni_pool import DniPool
from pipelines.sample.positions import MINISTER_PAY, P_FEMALE, PAY_FLOOR, PMC_PAY, REGIMES, REGIONAL_GM_PAY
from pipelines.sample.respell import (
    canonical,
    date_style,
    drawn_date_style,
    format_dates,
    format_pay,
    gendered_titles,
    parse_pay,
    spell_appointment,
)

# Never removed nor reclassified: every entity keeps its head, its OCI and its public attorney.
FIXED_BODIES = ("senior_management", "institutional_control", "judicial_defense")
LEVEL_RANGE = (2, 4)  # reclassified levels stay within 2..4 (level 1 is Alta Dirección; 4 the deepest)
LINE_BODIES = ("line", "consultative")
MOVABLE_BODIES = (*LINE_BODIES, "support", "advisory", "decentralized")
SUBSTANTIVE_BODIES = ("line", "consultative", "decentralized")  # as positions.generate_chunk

# Columns of the per-row uniform draws and of the per-new-position draws.
U_REMOVE, U_RECLASS, U_RECLASS_KIND, U_RECLASS_DIR, U_OCCUPANT, U_SEX, U_DAY, U_DATE_STYLE, \
    U_FILL_KIND, U_FILL_SPELL, U_PAY = range(11)
V_SOURCE, V_SEX, V_DAY, V_DATE_STYLE, V_FILL_KIND, V_FILL_SPELL = range(6)
N_U, N_V = 11, 6


@dataclass
class Context:
    seed: int
    rates: dict[str, float]
    base_day: int  # epoch days
    days: int  # days between the two snapshots
    entity_class: dict[str, str]
    pay_cap: dict[str, float]
    max_seq: dict[str, int]
    pool: DniPool
    issued: dict[str, int] = field(default_factory=dict)  # new numbers given per entity so far
    net: dict[str, int] = field(default_factory=dict)  # new minus removed per entity
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, **counts: int) -> None:
        for k, v in counts.items():
            self.counts[k] = self.counts.get(k, 0) + int(v)


def draws(ctx: Context, r0: int, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-row uniforms and normals, new positions per run and their uniforms; one
    generator per entity run, keyed by the run's index, so chunking does not change them."""
    us, zs, ks, vs = [], [], [], []
    for i, n in enumerate(lens.tolist()):  # per entity run, not per row
        rng = np.random.default_rng([ctx.seed, 11, r0 + i])
        us.append(rng.random((n, N_U)))
        zs.append(rng.standard_normal(n))
        k = int(rng.binomial(n, ctx.rates["new"]))
        ks.append(k)
        vs.append(rng.random((k, N_V)))
    return np.concatenate(us), np.concatenate(zs), np.array(ks, dtype=np.int64), np.concatenate(vs)


def evolve_chunk(df: pl.DataFrame, ctx: Context, r0: int, lens: np.ndarray) -> pl.DataFrame:
    """Evolve whole entity runs: rows of runs r0, r0 + 1, ... of `lens` rows each."""
    rates = ctx.rates
    n = df.height
    r1 = r0 + len(lens)
    u_row, z_row, k_new, u_new = draws(ctx, r0, lens)
    run = np.repeat(np.arange(r0, r1), lens)
    entity = df["codigo_entidad"]
    level = df["nivel_organizacional"].cast(pl.Int64, strict=False).fill_null(0).to_numpy()
    body = canonical(df["tipo_organo"], "body_type")
    appointment = canonical(df["condicion"], "appointment_type")
    regime = canonical(df["regimen_laboral"], "labor_regime")
    cls = entity.replace_strict(ctx.entity_class, default="", return_dtype=pl.Utf8).to_numpy()

    # --- removed --------------------------------------------------------------------------------
    protected = ((level <= 1) | np.isin(body, FIXED_BODIES)
                 | ((cls == "regional_government_hq") & (level == 2) & (body == "line")))
    # The entity's highest number stays, so a later evolution never reissues a removed number.
    number = df["codigo_puesto"].str.extract(r"-(\d+)$").cast(pl.Int64)
    top = (number == entity.replace_strict(ctx.max_seq, default=None, return_dtype=pl.Int64)).fill_null(False)
    removed = ~protected & ~top.to_numpy() & (u_row[:, U_REMOVE] < rates["removed"])
    keep = ~removed

    # --- reclassified: level by one, or body type across the line / support-advisory divide ------
    lo, hi = LEVEL_RANGE
    pick = keep & ~protected & (level >= lo) & (level <= hi) & (u_row[:, U_RECLASS] < rates["reclassified"])
    by_body = pick & (u_row[:, U_RECLASS_KIND] >= rates["reclassified_level_share"]) & np.isin(body, MOVABLE_BODIES)
    by_level = pick & ~by_body
    up = u_row[:, U_RECLASS_DIR] < 0.5
    moved_level = np.where(level == lo, lo + 1, np.where(level == hi, hi - 1, np.where(up, level - 1, level + 1)))
    new_level = np.where(by_level, moved_level, level)
    moved_body = np.where(np.isin(body, LINE_BODIES),
                          np.where(u_row[:, U_RECLASS_DIR] < 0.5, "support", "advisory"), "line")
    new_body = np.where(by_body, moved_body, body)
    function = np.where(np.isin(new_body, SUBSTANTIVE_BODIES), "substantive", "internal_administration")

    # --- occupancy ------------------------------------------------------------------------------
    occupied = df["dni"].is_not_null().to_numpy()
    u = u_row[:, U_OCCUPANT]
    vacated = keep & occupied & (regime != "pmc") & (u < rates["vacated"])
    changed = keep & occupied & ~vacated & (u >= rates["vacated"]) & (u < rates["vacated"] + rates["occupant_changed"])
    filled = keep & ~occupied & (u < rates["vacancy_filled"])
    incoming = changed | filled
    female = u_row[:, U_SEX] < P_FEMALE[np.clip(new_level, 1, len(P_FEMALE) - 1)]
    old_sex = df["sexo"].fill_null("").to_numpy()
    new_sex = np.where(incoming, np.where(female, "F", "M"), np.where(vacated, "", old_sex))
    old_female, new_female = old_sex == "F", new_sex == "F"
    to_female = (incoming | vacated) & ~old_female & new_female
    to_male = (incoming | vacated) & old_female & ~new_female
    new_condition = filled | (changed & (appointment == "vacant"))
    fill_kind = np.where(u_row[:, U_FILL_KIND] < rates["filled_as_appointed"], "appointed", "interim")
    condition = np.where(vacated, spanish.APPOINTMENT["vacant"][0][0],
                         np.where(new_condition, spell_appointment(fill_kind, u_row[:, U_FILL_SPELL]), ""))
    start_day = ctx.base_day + 1 + np.floor(u_row[:, U_DAY] * ctx.days).astype(np.int64)
    style = date_style(df["fecha_inicio"])
    style = np.where(style < 0, drawn_date_style(u_row[:, U_DATE_STYLE]), style)

    # --- pay: general adjustment by regime, individual changes, within the sample's limits -------
    old_pay = parse_pay(df["remuneracion"])
    general = np.array([rates[f"pay_general_{r}"] for r in REGIMES])  # other/unknown regimes: no adjustment
    regime_idx = pl.Series(regime).replace_strict({r: i for i, r in enumerate(REGIMES)}, default=-1,
                                                  return_dtype=pl.Int64).to_numpy()
    factor = np.where(regime_idx >= 0, 1.0 + general[regime_idx], 1.0)
    individual = u_row[:, U_PAY] < rates["pay_individual"]
    factor = factor * np.where(individual, np.exp(rates["pay_individual_sd"] * z_row), 1.0)
    touched = keep & np.isfinite(old_pay) & (factor != 1.0)
    amount = np.round(np.nan_to_num(old_pay) * factor / 50.0) * 50.0
    cap = entity.replace_strict(ctx.pay_cap, default=MINISTER_PAY, return_dtype=pl.Float64).to_numpy()
    hi_pay = np.minimum(np.maximum(cap, old_pay), contract.MAX_MONTHLY_PAY)
    lo_pay = np.minimum(PAY_FLOOR, old_pay)
    band = np.select([regime == "pmc", (cls == "regional_government_hq") & (new_level == 1)],
                     [1, 2], 0)
    band_lo = np.select([band == 1, band == 2], [PMC_PAY[0], REGIONAL_GM_PAY[0]], 0.0)
    band_hi = np.select([band == 1, band == 2], [PMC_PAY[1], REGIONAL_GM_PAY[1]], np.inf)
    lo_pay = np.maximum(lo_pay, np.minimum(band_lo, old_pay))
    hi_pay = np.minimum(hi_pay, np.maximum(band_hi, old_pay))
    amount = np.clip(amount, lo_pay, hi_pay)
    pay_changed = touched & (amount != old_pay)
    soles = df["remuneracion"].str.starts_with("S/").fill_null(False).to_numpy()

    # --- the evolved rows (unchanged cells keep their exact text) --------------------------------
    body_spelled = pl.Series(new_body).replace_strict(spanish.BODY_TYPE, default=None, return_dtype=pl.Utf8)
    function_spelled = pl.Series(function).replace_strict(spanish.FUNCTION_TYPE, return_dtype=pl.Utf8)
    evolved = df.with_columns(
        pl.when(pl.Series(by_level)).then(pl.Series(new_level).cast(pl.Utf8))
        .otherwise(pl.col("nivel_organizacional")).alias("nivel_organizacional"),
        pl.when(pl.Series(by_body)).then(body_spelled).otherwise(pl.col("tipo_organo")).alias("tipo_organo"),
        pl.when(pl.Series(by_body)).then(function_spelled).otherwise(pl.col("tipo_funcion")).alias("tipo_funcion"),
        pl.when(pl.Series(vacated | new_condition)).then(pl.Series(condition))
        .otherwise(pl.col("condicion")).alias("condicion"),
        pl.when(pl.Series(pay_changed)).then(format_pay(amount, soles))
        .otherwise(pl.col("remuneracion")).alias("remuneracion"),
        pl.when(pl.Series(incoming)).then(pl.Series(new_sex, dtype=pl.Utf8)).when(pl.Series(vacated)).then(None)
        .otherwise(pl.col("sexo")).alias("sexo"),
        pl.when(pl.Series(vacated)).then(None).when(pl.Series(incoming)).then(format_dates(start_day, style))
        .otherwise(pl.col("fecha_inicio")).alias("fecha_inicio"),
        pl.when(pl.Series(incoming | vacated)).then(None).otherwise(pl.col("dni")).alias("dni"),
        gendered_titles(df["cargo"], to_female, to_male),
    ).with_columns(_run=pl.Series(run), _new=pl.lit(False), _ord=pl.int_range(n, dtype=pl.Int64),
                   _fresh=pl.Series(incoming))

    # --- new positions: clones of a surviving position of the same entity ------------------------
    survivors = np.flatnonzero(keep)
    per_run = np.bincount(run[survivors] - r0, minlength=r1 - r0)
    first = np.cumsum(per_run) - per_run
    new_run = np.repeat(np.arange(r0, r1), k_new)
    have = per_run[new_run - r0] > 0  # an entity left with no position gets none new
    u_new, new_run = u_new[have], new_run[have]
    source = survivors[first[new_run - r0] + np.floor(u_new[:, V_SOURCE] * per_run[new_run - r0]).astype(np.int64)]
    clones = evolved[source]
    clone_level = clones["nivel_organizacional"].cast(pl.Int64, strict=False).fill_null(1).to_numpy()
    clone_female = u_new[:, V_SEX] < P_FEMALE[np.clip(clone_level, 1, len(P_FEMALE) - 1)]
    source_female = clones["sexo"].fill_null("").to_numpy() == "F"
    clone_vacant = canonical(clones["condicion"], "appointment_type") == "vacant"
    clone_kind = np.where(u_new[:, V_FILL_KIND] < rates["filled_as_appointed"], "appointed", "interim")
    clone_day = ctx.base_day + 1 + np.floor(u_new[:, V_DAY] * ctx.days).astype(np.int64)
    ids = clones.select("codigo_entidad").with_columns(
        rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("codigo_entidad"))
    offset = {e: ctx.max_seq.get(e, 0) + ctx.issued.get(e, 0) for e in ids["codigo_entidad"].unique().to_list()}
    seq = ids["rank"] + ids["codigo_entidad"].replace_strict(offset, return_dtype=pl.Int64).cast(pl.Int64)
    clones = clones.with_columns(
        codigo_puesto=pl.format("{}-{}", pl.col("codigo_entidad"), seq.cast(pl.Utf8).str.zfill(6)),
        condicion=pl.when(pl.Series(clone_vacant))
        .then(pl.Series(spell_appointment(clone_kind, u_new[:, V_FILL_SPELL]))).otherwise(pl.col("condicion")),
        sexo=pl.Series(np.where(clone_female, "F", "M")),
        fecha_inicio=format_dates(clone_day, drawn_date_style(u_new[:, V_DATE_STYLE])),
        dni=pl.lit(None, dtype=pl.Utf8),
        cargo=gendered_titles(clones["cargo"], clone_female & ~source_female, ~clone_female & source_female),
        _run=pl.Series(new_run),
        _new=pl.lit(True),
        _ord=seq,
        _fresh=pl.lit(True),
    )
    for e, c in ids.group_by("codigo_entidad").len().iter_rows():  # per entity
        ctx.issued[e] = ctx.issued.get(e, 0) + c
        ctx.net[e] = ctx.net.get(e, 0) + c
    for e, c in entity.filter(pl.Series(removed)).value_counts().iter_rows():  # per entity
        ctx.net[e] = ctx.net.get(e, 0) - c

    # --- output order: each run's survivors, then its new positions; fresh DNIs in that order ----
    out = pl.concat([evolved.filter(pl.Series(keep)), clones]).sort("_run", "_new", "_ord")
    fresh = np.flatnonzero(out["_fresh"].to_numpy())
    dni = out["dni"].scatter(fresh, pl.Series(ctx.pool.take(fresh.size)).cast(pl.Utf8))
    out = out.with_columns(dni).drop("_run", "_new", "_ord", "_fresh")

    # --- counts, from the written values ---------------------------------------------------------
    reclassified = keep & ((new_level != level) | (new_body != body))
    occupant = keep & incoming
    summary = {"removed": removed, "reclassified": reclassified, "reclassified_level": by_level,
               "reclassified_body": by_body, "occupant_changed": occupant, "vacancies_filled": filled,
               "vacated": vacated, "pay_changed": pay_changed}
    ctx.add(rows_in=n, new=clones.height, rows_out=out.height,
            unchanged=(keep & ~reclassified & ~occupant & ~vacated & ~pay_changed).sum(),
            **{k: v.sum() for k, v in summary.items()})
    for a, b in (("reclassified", "occupant_changed"), ("reclassified", "vacated"), ("reclassified", "pay_changed"),
                 ("occupant_changed", "pay_changed"), ("vacated", "pay_changed")):
        ctx.add(**{f"{a}+{b}": (summary[a] & summary[b]).sum()})
    return out
