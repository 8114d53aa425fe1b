"""The sample frame: which real entities are in the sample and how many management positions
each gets by organizational level. Only SERVIR's published input marginals are targets here
(calibration_targets.csv); everything derived (PM, TPM, career heads) is left to the rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.sample import reference
from pipelines.sample.apportion import apportion, rake

NATIONAL_ENTITY_CLASSES = (
    "ministry", "public_executing_agency", "specialized_technical_agency", "regulatory_agency",
    "administrative_system_body", "constitutionally_autonomous_agency", "judicial_branch",
    "social_security_fund",
    # Issue 13 item 5: still drawn (the frame stays the same), classified apart by the rules.
    "public_university", "central_reserve_bank",
)
REGIONAL_ENTITY_CLASSES = (
    "regional_government_hq", "metropolitan_municipality_lima", "regional_public_agency",
)
TYPE_B_CLASSES = ("program", "special_project", "decentralized_body", "judicial_branch")

# Shape parameters per classification live in reference/classification_profiles.csv.
PROFILES = reference.classification_profiles()
# Typical number of management positions before calibration; only relative sizes matter.
BASE_SIZE = {c: p["base_size"] for c, p in PROFILES.items()}
UNIVERSITY_SIZE = 24
# Management positions are a small slice of an entity's whole table of positions (the
# denominator of the 5% appointed cap): ratio of all positions to management positions.
TOTAL_POSITIONS_RATIO = {c: p["total_positions_ratio"] for c, p in PROFILES.items()}
SECTOR_KEYS = ("EDUCACION", "ECONOMIA Y FINANZAS", "SALUD")
GROUP_KEYS = ("regional_government_hq", "specialized_technical_agency", "ministry")


@dataclass(frozen=True)
class Frame:
    entities: pl.DataFrame  # one row per entity / type-B unit, canonical values
    counts: np.ndarray  # (n_entities, 4): positions at organizational levels 1..4


def _pick(df: pl.DataFrame, n: int, rng: np.random.Generator) -> pl.DataFrame:
    if df.height < n:
        raise ValueError(f"the registry has {df.height} candidates, the sample needs {n}")
    idx = np.sort(rng.choice(df.height, size=n, replace=False))
    return df[idx.tolist()]


def select_entities(reg: pl.DataFrame, targets: dict[str, float], rng: np.random.Generator) -> pl.DataFrame:
    """151 national + 37 regional entities and 109 + 73 type-B units, all real registry rows."""
    reg = reg.sort("registry_id")
    is_unit = pl.col("source_scope") == "mef_ue"
    national = reg.filter(pl.col("government_level") == "national", ~is_unit,
                          pl.col("entity_classification").is_in(NATIONAL_ENTITY_CLASSES))
    national = _pick(national, int(targets["entities_processed_national"]), rng)
    regional_all = reg.filter(pl.col("government_level") == "regional",
                              pl.col("entity_classification").is_in(REGIONAL_ENTITY_CLASSES))
    core = regional_all.filter(pl.col("entity_classification") != "regional_public_agency")
    agencies = _pick(regional_all.filter(pl.col("entity_classification") == "regional_public_agency"),
                     int(targets["entities_processed_regional"]) - core.height, rng)
    regional = pl.concat([core, agencies])
    parents = pl.concat([national, regional])["registry_id"]
    candidates = reg.filter(pl.col("parent_registry_id").is_in(parents.implode()),
                            pl.col("entity_classification").is_in(TYPE_B_CLASSES))
    units_n = _pick(candidates.filter(pl.col("government_level") == "national"),
                    int(targets["units_processed_national"]), rng)
    units_r = _pick(candidates.filter(pl.col("government_level") == "regional"),
                    int(targets["units_processed_regional"]), rng)
    out = pl.concat([
        national.with_columns(is_type_b=pl.lit(False)), regional.with_columns(is_type_b=pl.lit(False)),
        units_n.with_columns(is_type_b=pl.lit(True)), units_r.with_columns(is_type_b=pl.lit(True)),
    ])
    # Type-B units take their parent's sector (MEF already does; PTE regional rows say GOBIERNOS REGIONALES).
    return out.with_columns(
        is_university=pl.col("entity_name").str.contains(r"^UNIVERSIDAD"),
    )


def _sizes(ent: pl.DataFrame, targets: dict[str, float], scale: float,
           rng: np.random.Generator) -> np.ndarray:
    cls = ent["entity_classification"].to_numpy()
    base = np.array([BASE_SIZE[c] for c in cls], dtype=np.float64)
    base = np.where(ent["is_university"].to_numpy(), UNIVERSITY_SIZE, base)
    base = np.where(ent["is_type_b"].to_numpy() & (cls == "judicial_branch"), 18, base)
    # Bigger budgets carry bigger organization charts, gently (real PIA where MEF has it).
    pia = ent["budget_pia"].fill_null(0).to_numpy()
    pia_factor = np.where(pia > 0, np.clip((pia / 1e8) ** 0.15, 0.6, 1.8), 1.0)
    weights = base * pia_factor * rng.lognormal(0.0, 0.35, ent.height)

    gov = (ent["government_level"].to_numpy() == "regional").astype(np.int64)
    total_n = targets["mgmt_positions_national"] * scale
    total_r = targets["mgmt_positions_regional"] * scale
    total = total_n + total_r
    group = np.full(ent.height, len(GROUP_KEYS))
    for i, key in enumerate(GROUP_KEYS):
        group[cls == key] = i
    group_targets = np.array([targets["share_group_regional_hq"],
                              targets["share_group_technical_specialized"],
                              targets["share_group_ministries"]]) * total
    sector = np.full(ent.height, len(SECTOR_KEYS))
    sec_names = ent["sector"].to_numpy()
    for i, key in enumerate(SECTOR_KEYS):
        sector[sec_names == key] = i
    sector_targets = np.array([targets["share_sector_education"], targets["share_sector_economy_finance"],
                               targets["share_sector_health"]]) * total
    partitions = [
        (gov, np.array([total_n, total_r])),
        (group, np.append(group_targets, total - group_targets.sum())),
        (sector, np.append(sector_targets, total - sector_targets.sum())),
    ]
    minimum = np.where(cls == "regional_government_hq", 45.0, np.where(ent["is_type_b"].to_numpy(), 3.0, 6.0))
    sizes = rake(weights, partitions, minimum)
    out = np.zeros(ent.height, dtype=np.int64)
    for level_code, level_total in ((0, total_n), (1, total_r)):
        mask = gov == level_code
        low = np.ceil(minimum[mask]).astype(np.int64)
        # Split only the part above each minimum, so raked proportions survive the rounding.
        out[mask] = apportion(np.maximum(sizes[mask] - low, 0), round(level_total), lower=low)
    return out


def _level_counts(ent: pl.DataFrame, sizes: np.ndarray, targets: dict[str, float], scale: float,
                  rng: np.random.Generator) -> np.ndarray:
    cls = ent["entity_classification"].to_numpy()
    regional = ent["government_level"].to_numpy() == "regional"
    type_b = ent["is_type_b"].to_numpy()
    l1 = np.zeros(ent.height, dtype=np.int64)
    # Ministries' and regional heads' senior managers (PO under Tables 7-8) are listed so the
    # rules have something to classify; national non-ministry level 1 is the published 93.
    heads = (cls == "regional_government_hq") | (cls == "metropolitan_municipality_lima")
    l1[(cls == "ministry") | heads] = 1
    others = np.flatnonzero(~regional & (cls != "ministry"))
    n93 = round(targets["senior_mgmt_non_ministry_national"] * scale)
    w = np.sqrt(sizes[others].astype(np.float64))
    cap = np.maximum(1, np.round(scale)).astype(np.int64)
    l1[others] = apportion(w * rng.uniform(0.5, 1.5, len(others)), n93, upper=np.full(len(others), cap))
    l1[cls == "ministry"] *= max(1, round(scale))
    l1[heads] *= max(1, round(scale))
    rest = sizes - l1

    counts = np.zeros((ent.height, 4), dtype=np.int64)
    counts[:, 0] = l1
    for mask, l4_total, l2_share in (
        (~regional, targets["level4_positions_national"] * scale,
         1.0 / (1.0 + targets["ratio_level3_to_level2_national"])),
        (regional, targets["level4_positions_regional"] * scale, 0.46),
    ):
        idx = np.flatnonzero(mask)
        r = rest[idx]
        # Small units rarely reach a fourth level; type-B units are flatter.
        depth = (np.clip(r / 12.0, 0.1, 1.0) * np.where(type_b[idx], 0.7, 1.0)
                 * rng.lognormal(0, 0.3, len(idx)))
        min23 = np.where(cls[idx] == "regional_government_hq", 12, np.minimum(r, 2))
        l4 = apportion(r * depth, round(l4_total), upper=np.maximum(r - min23, 0))
        m = r - l4
        q = np.clip(l2_share * rng.lognormal(0, 0.15, len(idx)), 0.2, 0.8)
        min2 = np.where(cls[idx] == "regional_government_hq", 8, np.minimum(m, 1))
        l2 = apportion(m * q, round(m.sum() * l2_share), lower=min2, upper=m)
        counts[idx, 1] = l2
        counts[idx, 2] = m - l2
        counts[idx, 3] = l4
    return counts


def build_frame(seed: int, scale: float) -> Frame:
    rng = np.random.default_rng([seed, 1])
    targets = reference.calibration_targets()
    ent = select_entities(reference.registry(), targets, rng)
    sizes = _sizes(ent, targets, scale, rng)
    counts = _level_counts(ent, sizes, targets, scale, rng)
    annex = reference.annex_09_source_ids()
    cls = ent["entity_classification"].to_numpy()
    ratio = np.array([TOTAL_POSITIONS_RATIO[c] for c in cls]) * rng.lognormal(0, 0.3, ent.height)
    ent = ent.with_columns(
        n_positions=pl.Series(sizes),
        total_positions=pl.Series(np.round(sizes * ratio + 20).astype(np.int64)),
        tpm_annex_09=pl.col("source_id").is_in(list(annex)) & (pl.col("source_scope") == "mef_pliego"),
        style=pl.Series(rng.choice(4, size=ent.height, p=[0.6, 0.2, 0.12, 0.08])),
        vocab_offset=pl.Series(rng.integers(0, 1000, ent.height)),
    )
    return Frame(ent, counts)
