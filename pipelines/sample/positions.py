"""Synthetic management positions for a chunk of entities, vectorized (no per-row Python).

Values here are canonical (contract enums, floats, ISO dates); `spanish.py` writes them the way
a SERVIR analyst's spreadsheet would. Body-type shares are calibrated globally (16% decentralized,
36% line) and drawn per row; titles and unit names follow Table 19 (`unit_vocabulary.csv`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.sample.frame import PROFILES, Frame

# Propensity of an entity's units to be decentralized bodies (zonal offices, courts, networks);
# rescaled so the national+regional total matches the published 16%.
DECENTRALIZED_PROPENSITY = {c: p["decentralized_propensity"] for c, p in PROFILES.items()}
LINE_PROPENSITY = {c: p["line_propensity"] for c, p in PROFILES.items()}
UNIVERSITY_DECENTRALIZED = 0.03

# Labor regime mix of management positions by entity classification (dl276, dl728, cas, pmc,
# law30057, special_career). Illustrative: 2016 managers were mostly 276 in ministries and
# regions, 728 in technical agencies and ESSALUD, CAS in programs.
REGIMES = ("dl276", "dl728", "cas", "pmc", "law30057", "special_career")
REGIME_MIX = {c: tuple(p[f"mix_{r}"] for r in REGIMES) for c, p in PROFILES.items()}
UNIVERSITY_MIX = (0.55, 0.0, 0.15, 0.0, 0.0, 0.30)

# Monthly pay (PEN) of a national level-L manager before multipliers: illustrative, set so the
# regime and level-of-government gaps look like 2016 (728 above 276, regions below Lima).
LEVEL_PAY = np.array([0.0, 17000.0, 11500.0, 8600.0, 6200.0])
REGIME_PAY = {"dl276": 0.78, "dl728": 1.22, "cas": 0.86, "pmc": 1.12, "law30057": 1.05, "special_career": 0.9}
CLASS_PAY = {c: p["pay_multiplier"] for c, p in PROFILES.items()}
MINISTER_PAY = 30000.0  # D.S. 023-2014-EF
REGIONAL_GM_PAY = (6000.0, 16000.0)  # Gerente General de Gobierno Regional, D.S. 023-2014-EF
PMC_PAY = (7000.0, 18500.0)  # Cuerpo de Gerentes Públicos band, D.S. 108-2009-EF
PAY_FLOOR = 2800.0

# P(appointed | level); the rest splits interim / merit / vacant. Published: more than 70% appointed.
P_APPOINTED = np.array([0.0, 0.93, 0.88, 0.79, 0.66])
P_FEMALE = np.array([0.0, 0.24, 0.31, 0.37, 0.42])

# Units that every entity has once: the first support-group level-2 unit becomes the OCI and,
# where the entity has its own public attorney, the second becomes the Procuraduría.
HAS_PROCURADURIA = ("ministry", "regional_government_hq", "metropolitan_municipality_lima",
                    "constitutionally_autonomous_agency", "judicial_branch", "social_security_fund",
                    "specialized_technical_agency", "regulatory_agency", "public_university",
                    "central_reserve_bank")


@dataclass(frozen=True)
class BodyMix:
    p_decentralized: np.ndarray  # per entity
    p_line: np.ndarray  # per entity, conditional on not decentralized


def body_mix(frame: Frame, targets: dict[str, float], rng: np.random.Generator) -> BodyMix:
    """Per-entity body-type probabilities, rescaled so the expected totals hit the published shares."""
    ent = frame.entities
    cls = ent["entity_classification"].to_list()
    n = frame.counts[:, 1:].sum(1).astype(np.float64)
    total = frame.counts.sum()
    dec = np.array([DECENTRALIZED_PROPENSITY[c] for c in cls]) * rng.lognormal(0, 0.3, ent.height)
    dec = np.where(ent["is_university"].to_numpy(), UNIVERSITY_DECENTRALIZED, dec)
    target_dec = targets["share_body_decentralized"] * total
    for _ in range(5):  # the cap makes one rescale undershoot
        dec = np.clip(dec * target_dec / (n * dec).sum(), 0, 0.8)
    line = np.array([LINE_PROPENSITY[c] for c in cls]) * rng.lognormal(0, 0.2, ent.height)
    rest = n * (1 - dec)
    line_share, sa_share = targets["share_body_line"], targets["share_body_support_advisory"]
    line_target = line_share / (line_share + sa_share)
    line = np.clip(line * line_target * rest.sum() / (rest * line).sum(), 0.05, 0.9)
    return BodyMix(dec, line)


def _ranks(keys: list[str]) -> pl.Expr:
    return pl.int_range(pl.len(), dtype=pl.Int32).over(keys)


def generate_chunk(frame: Frame, mix: BodyMix, entity_idx: np.ndarray, row_offset: int,
                   rng: np.random.Generator, snapshot: np.datetime64, pay_caps: dict[str, float],
                   vocab: pl.DataFrame, places: pl.DataFrame, dni_key: tuple[int, int]) -> pl.DataFrame:
    counts = frame.counts[entity_idx]
    e_idx = np.repeat(np.repeat(entity_idx, 4), counts.ravel())
    level = np.repeat(np.tile(np.arange(1, 5, dtype=np.int8), len(entity_idx)), counts.ravel())
    n = len(e_idx)
    ent = frame.entities
    cls = ent["entity_classification"].to_numpy()[e_idx]
    regional = ent["government_level"].to_numpy()[e_idx] == "regional"
    univ = ent["is_university"].to_numpy()[e_idx]

    # --- body type: decentralized / line / support group, then the fixed units ---------------
    u = rng.random(n)
    body = np.where(u < mix.p_decentralized[e_idx], "decentralized",
                    np.where(rng.random(n) < mix.p_line[e_idx], "line", "support"))
    body = np.where((body == "line") & (level <= 3) & (rng.random(n) < 0.03), "consultative", body)
    body = np.where((body == "support") & (rng.random(n) < 0.42), "advisory", body)
    body = np.where(level == 1, "senior_management", body)
    df = pl.DataFrame({"e": e_idx, "level": level, "body_type": body, "cls": cls})
    df = df.with_columns(rank_level=_ranks(["e", "level"]))
    is_hq2 = (pl.col("cls") == "regional_government_hq") & (pl.col("level") == 2)
    # Every regional HQ carries the four managements of TPM rule 3, then its OCI and attorney.
    df = df.with_columns(
        body_type=pl.when(is_hq2 & (pl.col("rank_level") < 4)).then(pl.lit("line"))
        .when(is_hq2 & (pl.col("rank_level") < 6)).then(pl.lit("support"))
        .otherwise(pl.col("body_type")))
    df = df.with_columns(
        group=pl.when(pl.col("body_type").is_in(["support", "advisory"])).then(pl.lit("sa"))
        .otherwise(pl.col("body_type")))
    df = df.with_columns(rank_group=_ranks(["e", "level", "group"]))
    fixed = (pl.col("group") == "sa") & (pl.col("level") == 2)
    df = df.with_columns(
        body_type=pl.when(fixed & (pl.col("rank_group") == 0)).then(pl.lit("institutional_control"))
        .when(fixed & (pl.col("rank_group") == 1) & pl.col("cls").is_in(HAS_PROCURADURIA))
        .then(pl.lit("judicial_defense"))
        .otherwise(pl.col("body_type")))
    df = df.with_columns(k=_ranks(["e", "level", "body_type"]))

    # --- titles and unit names (Table 19 via the vocabulary) ---------------------------------
    scope = np.where(regional, "regional", "national")
    l1_scope = np.select(
        [cls == "ministry", cls == "regional_government_hq", cls == "metropolitan_municipality_lima",
         (cls == "constitutionally_autonomous_agency") & ~univ],
        ["l1_ministry", "l1_regional_hq", "l1_mml", "l1_autonomous"], "l1_other")
    df = df.with_columns(scope=pl.Series(np.where(level == 1, l1_scope, scope)),
                         offset=pl.Series(ent["vocab_offset"].to_numpy()[e_idx]))
    voc = vocab.with_columns(pick=_ranks(["scope", "body_type", "level"]),
                             vocab_n=pl.len().over(["scope", "body_type", "level"]))
    sizes = voc.select("scope", "body_type", "level", "vocab_n").unique()
    df = df.join(sizes, on=["scope", "body_type", "level"], how="left")
    # The regional HQ's four TPM managements are the first rows of their vocabulary: no offset.
    start = pl.when(is_hq2 & (pl.col("body_type") == "line")).then(0).otherwise(pl.col("offset"))
    df = df.with_columns(slot=(pl.col("k") + start))
    df = df.with_columns(pick=(pl.col("slot") % pl.col("vocab_n")).cast(pl.UInt32),
                         lap=(pl.col("k") // pl.col("vocab_n")))
    df = df.join(voc.drop("vocab_n").with_columns(pl.col("pick").cast(pl.UInt32)),
                 on=["scope", "body_type", "level", "pick"], how="left", maintain_order="left")

    # Spelling variants ("a|b|c") are chosen per entity; decentralized units get a place name.
    variant = pl.col("offset") % 3
    df = df.with_columns([
        pl.col(c).str.split("|").list.get(variant % pl.col(c).str.split("|").list.len()).alias(c)
        for c in ("unit_name", "title_m", "title_f")])
    dept = ent["department"].to_numpy()[e_idx]
    place = _place_names(dept, regional, df["k"].to_numpy() + df["offset"].to_numpy(), places)
    df = df.with_columns(place=pl.Series(place))
    repeat_suffix = pl.when((pl.col("lap") > 0) & (pl.col("body_type") != "decentralized")
                            ).then(pl.format(" {}", pl.col("lap") + 1)).otherwise(pl.lit(""))
    df = df.with_columns([
        (pl.col(c).str.replace_all("{dep}", pl.col("place"), literal=True) + repeat_suffix).alias(c)
        for c in ("unit_name", "title_m", "title_f")])

    # --- people, regimes, pay -------------------------------------------------------------
    lvl = level.astype(np.int64)
    appointed = rng.random(n) < P_APPOINTED[lvl]
    other = rng.choice(3, size=n, p=[0.45, 0.25, 0.30])  # interim, merit, vacant
    appointment = np.where(appointed, "appointed", np.array(["interim", "merit", "vacant"])[other])
    vacant = appointment == "vacant"
    sex = np.where(rng.random(n) < P_FEMALE[lvl], "F", "M")
    sex = np.where(vacant, "", sex)

    mix_table = np.array([UNIVERSITY_MIX if un else REGIME_MIX[c] for c, un in
                          zip(ent["entity_classification"].to_list(), ent["is_university"].to_list(),
                              strict=True)])
    cum = np.cumsum(mix_table, axis=1)[e_idx]
    regime_idx = (rng.random(n)[:, None] > cum[:, :-1]).sum(1)
    # PMC managers head bodies and units, not level-4 sub-units.
    regime_idx = np.where((regime_idx == REGIMES.index("pmc")) & (lvl == 4), 0, regime_idx)
    regime = np.array(REGIMES)[regime_idx]
    appointment = np.where(regime == "pmc", "appointed", appointment)
    vacant = appointment == "vacant"
    sex = np.where(vacant, "", np.where(sex == "", "M", sex))

    regime_pay = np.array([REGIME_PAY[r] for r in REGIMES])[regime_idx]
    class_pay = np.array([CLASS_PAY[c] for c in ent["entity_classification"].to_list()])[e_idx]
    pay = LEVEL_PAY[lvl] * regime_pay * class_pay * np.where(univ, 0.8, 1.0) * rng.lognormal(0, 0.16, n)
    cap = np.array([pay_caps.get(r, MINISTER_PAY) for r in ent["registry_id"].to_list()])[e_idx]
    exception = cap > MINISTER_PAY
    pay = np.where(exception & (lvl <= 2), pay * 1.9, pay)  # own-regime entities pay above the Minister
    pay = np.minimum(pay, cap)
    gm = (cls == "regional_government_hq") & (lvl == 1)
    pay = np.where(gm, np.clip(pay, *REGIONAL_GM_PAY), pay)
    pay = np.where(regime == "pmc", np.clip(pay, *PMC_PAY), pay)
    pay = np.round(np.maximum(pay, PAY_FLOOR) / 50.0) * 50.0

    body_final = df["body_type"].to_numpy()
    substantive = np.isin(body_final, ["line", "consultative", "decentralized"])
    ministry_like = np.isin(cls, ["ministry", "regional_government_hq", "metropolitan_municipality_lima"])
    reports_officer = (lvl == 1) | ((lvl == 2) & (ministry_like | (rng.random(n) < 0.6)))
    lo_d = np.array([0, 4, 3, 2, 1])[lvl]
    hi_d = np.array([0, 16, 12, 9, 6])[lvl]
    direct = rng.integers(lo_d, hi_d + 1)
    indirect = np.round(direct * rng.lognormal(np.array([0, 3.5, 2.2, 1.0, -0.5])[lvl], 0.6)).astype(np.int64)
    indirect = np.where(lvl == 4, np.minimum(indirect, 12), indirect)

    tenure_mean = np.select([appointment == "merit", appointment == "interim"], [2400.0, 220.0], 650.0)
    days = np.minimum(rng.exponential(tenure_mean), 365 * 25).astype(np.int64)
    start = (snapshot - days.astype("timedelta64[D]")).astype("datetime64[D]")

    rows = np.arange(row_offset, row_offset + n, dtype=np.int64)
    a, b = dni_key
    dni = 90_000_000 + (a * rows + b) % 10_000_000  # a bijection on the 9xxxxxxx range: unique, fake

    df = df.with_columns(sex=pl.Series(sex))
    return df.select(
        e=pl.col("e"),
        position_seq=pl.col("e").cum_count().over("e").cast(pl.Int64),
        position_title=pl.when(pl.col("sex") == "F").then(pl.col("title_f")).otherwise(pl.col("title_m")),
        unit_name=pl.col("unit_name"),
        organizational_level=pl.col("level"),
        body_type=pl.col("body_type"),
        appointment_type=pl.Series(appointment),
        labor_regime=pl.Series(regime),
        monthly_pay=pl.Series(pay),
        reports_to=pl.Series(np.where(reports_officer, "public_officer", "public_manager")),
        function_type=pl.Series(np.where(substantive, "substantive", "internal_administration")),
        direct_reports=pl.Series(direct),
        indirect_reports=pl.Series(indirect),
        occupant_id=pl.Series(np.where(vacant, "", dni.astype(str))),
        sex=pl.col("sex"),
        start_date=pl.Series(np.where(vacant, np.datetime64("NaT"), start)),
        style=pl.Series(ent["style"].to_numpy()[e_idx]),
    )


def _place_names(dept: np.ndarray, regional: np.ndarray, slot: np.ndarray,
                 places: pl.DataFrame) -> np.ndarray:
    """National decentralized units are named after departments, regional ones after the
    provinces of their own department (Gerencia Sub Regional Chota)."""
    departments = np.array(sorted(set(places["department"].to_list())))
    national_names = np.array([d.title() for d in departments])
    out = national_names[slot % len(departments)]
    by_dep = places.group_by("department", maintain_order=True).agg(pl.col("province"))
    for dep, provs in by_dep.iter_rows():  # 25 departments, not rows
        mask = regional & (dept == dep)
        if mask.any():
            arr = np.array(provs)
            out = np.where(mask, arr[slot % len(arr)], out)
    return out
