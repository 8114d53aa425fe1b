"""`evolve_snapshot`: a later snapshot of the synthetic sample, with plausible changes.

Reads a snapshot written by `generate_sample` (or by `evolve_snapshot`) and writes the same
registries at a later date in exactly the same file format: a cell that does not change keeps its
exact text, a changed cell is spelled the way the generator spells it (pay like "18050.00" or
"S/ 18,050.00" as the row already was, dates in the row's own style, Spanish value spellings of
`spanish.py`). How often each change happens is data: `reference/evolution_rates.csv`.

Change categories. Each one is what a comparison of the two positions.csv files on codigo_puesto
shows, and the summary counts them from the written values, not from the random draws:

- removed: codigo_puesto only in the base. A removed position has no other category.
- new: codigo_puesto only in the later snapshot (each entity's numbering continues after its highest
  base number). A new position has no other category. Each entity's highest-numbered position is
  never removed, so numbers are never reused, even along a chain of evolved snapshots.
- For positions in both snapshots, three independent draws, so these MAY coincide on one position
  (the summary's `overlaps` counts every pair; `unchanged` counts positions with none):
  - reclassified: nivel_organizacional or tipo_organo differs. Exactly one of the two moves
    (the level by one within 2..4, or the body type across the line / support-advisory divide),
    so the servant group can change. tipo_funcion follows the new body type; cargo and
    unidad_organica are not renamed.
  - occupancy, two mutually exclusive categories:
    occupant_changed: the later dni is filled and differs from the base dni (a blank base dni
    counts: a vacancy filled, also reported as `vacancies_filled`);
    vacated: the base dni is filled and the later one blank.
  - pay_changed: the remuneracion amount differs (a general adjustment by labor regime, an
    individual change, or both; rounded to S/ 50 and kept within the sample's limits).
- Consequences, not categories: with a new occupant or a vacancy, sexo and fecha_inicio change
  (blank when vacated, a date after the base snapshot otherwise), cargo takes the grammatical
  gender of the new occupant ("Director" -> "Directora"; masculine when vacant, as the generator
  writes it) and condicion becomes "Vacante" when vacated or confianza/encargatura when a
  vacancy is filled.

Eligibility: level 1 (Alta Dirección), the OCI, the Procuraduría and a regional government's
level-2 line managements are never removed nor reclassified; positions held by a Gerente Público
are never vacated. Entities are unchanged except total_puestos, the entity's whole table of
positions (management positions are part of it), which moves by the entity's new minus removed.

Scale: positions.csv is read twice in blocks of about `chunk_bytes` (never whole), and each
block's complete entity runs (consecutive rows of one entity) are evolved and written at once.
Every random draw comes from a generator keyed by (seed, entity run) and fresh DNIs come from one
stream consumed in output order, so the output does not depend on the block size; memory is
bounded by it (1.4 million positions: about 7 s and 360 MB peak RSS with the default 8 MiB).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from pipelines import paths
from pipelines.ingest import contract
from pipelines.refresh.series import read_series, write_series
from pipelines.sample import reference, spanish
from pipelines.sample.positions import MINISTER_PAY, P_FEMALE, PAY_FLOOR, PMC_PAY, REGIMES, REGIONAL_GM_PAY
from pipelines.sample.readme import render_evolved

RATES_PATH = reference.REFERENCE_DIR / "evolution_rates.csv"
# Every rate this module reads; evolution_rates() refuses a table that lacks one.
RATE_KEYS: tuple[str, ...] = (
    "removed", "new", "reclassified", "reclassified_level_share", "vacated", "occupant_changed",
    "vacancy_filled", "filled_as_appointed", "pay_individual", "pay_individual_sd",
    *(f"pay_general_{r}" for r in REGIMES),
)
DEFAULT_CHUNK_BYTES = 8 << 20  # positions.csv is read in blocks of about this many bytes
CATEGORIES = ("removed", "new", "reclassified", "occupant_changed", "vacated", "pay_changed")
CATEGORY_RULE = (
    "removed and new are exclusive with every other category; on positions in both snapshots "
    "reclassified, occupancy (occupant_changed or vacated, never both) and pay_changed are drawn "
    "independently and may coincide / eliminados y nuevos no tienen otra categoría; en los puestos "
    "de ambos cortes, reclasificación, ocupación (cambio de ocupante o vacado, nunca ambos) y "
    "remuneración se sortean por separado y pueden coincidir")

REQUIRED_HEADERS = ("codigo_puesto", "codigo_entidad", "cargo", "nivel_organizacional", "tipo_organo",
                    "condicion", "regimen_laboral", "remuneracion", "tipo_funcion", "dni", "sexo",
                    "fecha_inicio")

# Never removed nor reclassified: every entity keeps its head, its OCI and its public attorney.
FIXED_BODIES = ("senior_management", "institutional_control", "judicial_defense")
LEVEL_RANGE = (2, 4)  # reclassified levels stay within 2..4 (level 1 is Alta Dirección; 4 the deepest)
LINE_BODIES = ("line", "consultative")
MOVABLE_BODIES = (*LINE_BODIES, "support", "advisory", "decentralized")
SUBSTANTIVE_BODIES = ("line", "consultative", "decentralized")  # as positions.generate_chunk
# Date spellings as spanish.positions_table writes them: 15% dd/mm/yyyy, 5% "dd mon yyyy", else ISO.
DATE_STYLE_CUTS = (0.15, 0.20)
DNI_LOW, DNI_RANGE = 90_000_000, 10_000_000  # the sample's fake DNIs: 9xxxxxxx

# Columns of the per-row uniform draws and of the per-new-position draws.
U_REMOVE, U_RECLASS, U_RECLASS_KIND, U_RECLASS_DIR, U_OCCUPANT, U_SEX, U_DAY, U_DATE_STYLE, \
    U_FILL_KIND, U_FILL_SPELL, U_PAY = range(11)
V_SOURCE, V_SEX, V_DAY, V_DATE_STYLE, V_FILL_KIND, V_FILL_SPELL = range(6)
N_U, N_V = 11, 6

_README_DATE = re.compile(r"\*\*Corte / snapshot:\*\* (\d{4}-\d{2}-\d{2})")
_STRIP = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")


def evolution_rates(path: Path = RATES_PATH) -> dict[str, float]:
    """The rates table as {rate_id: value}; every rate in RATE_KEYS must be there, within [0, 1]."""
    table = pl.read_csv(path, infer_schema=False)
    rates = {k: float(v) for k, v in table.select("rate_id", "value").iter_rows()}
    missing = [k for k in RATE_KEYS if k not in rates]
    if missing:
        raise KeyError(f"{path} lacks the rate(s) {missing}")
    bad = {k: v for k, v in rates.items() if not 0.0 <= v <= 1.0}
    if bad:
        raise ValueError(f"{path}: rates must be within [0, 1], got {bad}")
    if rates["vacated"] + rates["occupant_changed"] > 1.0:
        raise ValueError(f"{path}: vacated + occupant_changed must not exceed 1")
    return rates


# --- value spellings ---------------------------------------------------------------------------

def _lookup(aliases: contract.ValueAliases, value: str) -> str | None:
    folded = contract.fold(value)
    if folded in aliases.exact:
        return aliases.exact[folded]
    return next((canon for frag, canon in aliases.contains if frag in folded), None)


def _canonical(values: pl.Series, domain: str) -> np.ndarray:
    """Contract value of each spelling ('' when blank or unknown); one lookup per distinct spelling."""
    aliases = contract.value_aliases(domain)
    mapping = {v: _lookup(aliases, v) or "" for v in values.drop_nulls().unique().to_list()}
    return values.replace_strict(mapping, default="", return_dtype=pl.Utf8).fill_null("").to_numpy()


@cache
def _title_swaps() -> tuple[dict[str, str], dict[str, str]]:
    """Leading words of a masculine title -> feminine and back, read off the title vocabulary
    ("Procurador Público" <-> "Procuradora Pública"), in every house style the generator uses."""
    to_f: dict[str, str] = {}
    to_m: dict[str, str] = {}
    styles = (lambda s: s, str.upper, lambda s: s.translate(_STRIP), lambda s: s.translate(_STRIP).upper())
    vocab = reference.vocabulary()
    for title_m, title_f in vocab.select("title_m", "title_f").iter_rows():  # vocabulary rows, not positions
        for m, f in zip(title_m.split("|"), title_f.split("|"), strict=True):
            wm, wf = m.split(), f.split()
            diff = [i for i, (a, b) in enumerate(zip(wm, wf, strict=False)) if a != b]
            if not diff or len(wm) != len(wf):
                continue
            lead_m, lead_f = " ".join(wm[:diff[-1] + 1]), " ".join(wf[:diff[-1] + 1])
            for style in styles:
                to_f[style(lead_m)] = style(lead_f)
                to_m[style(lead_f)] = style(lead_m)
    return to_f, to_m


def _swap_lead(title: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    """`title` with its leading words replaced through `mapping` (null where none matches)."""
    alternatives = "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True))
    pattern = rf"^({alternatives})(\s.*)?$"
    lead = title.str.extract(pattern, 1).replace_strict(mapping, default=None, return_dtype=pl.Utf8)
    return lead + title.str.extract(pattern, 2).fill_null("")


def _gendered_titles(titles: pl.Series, to_female: np.ndarray, to_male: np.ndarray) -> pl.Series:
    to_f, to_m = _title_swaps()
    out = pl.DataFrame({"t": titles, "f": to_female, "m": to_male}).select(
        pl.when(pl.col("f")).then(_swap_lead(pl.col("t"), to_f))
        .when(pl.col("m")).then(_swap_lead(pl.col("t"), to_m))
        .fill_null(pl.col("t")).alias(titles.name))
    return out.to_series()


def _spell_appointment(canonical: np.ndarray, u: np.ndarray) -> np.ndarray:
    return spanish._spell(pl.Series("condicion", canonical), spanish.APPOINTMENT, u).to_numpy()


def _format_dates(days: np.ndarray, style: np.ndarray) -> pl.Series:
    """Epoch days spelled as spanish.positions_table does: 0 ISO, 1 dd/mm/yyyy, 2 'dd mon yyyy'."""
    df = pl.DataFrame({"d": pl.Series(days.astype(np.int32)).cast(pl.Date), "s": style})
    d = pl.col("d")
    month = d.dt.month().replace_strict(dict(enumerate(spanish.MONTHS, start=1)), return_dtype=pl.Utf8)
    return df.select(
        pl.when(pl.col("s") == 1).then(d.dt.strftime("%d/%m/%Y"))
        .when(pl.col("s") == 2).then(pl.format("{} {} {}", d.dt.strftime("%d"), month, d.dt.year()))
        .otherwise(d.dt.strftime("%Y-%m-%d")).alias("fecha_inicio")).to_series()


def _date_style(written: pl.Series) -> np.ndarray:
    """The style of each written date (-1 when blank)."""
    return pl.DataFrame({"w": written}).select(
        pl.when(pl.col("w").is_null()).then(-1)
        .when(pl.col("w").str.contains("/")).then(1)
        .when(pl.col("w").str.contains(r"^\d{1,2} \S+ \d{4}$")).then(2)
        .otherwise(0)).to_series().to_numpy()


def _drawn_date_style(u: np.ndarray) -> np.ndarray:
    return np.where(u < DATE_STYLE_CUTS[0], 1, np.where(u < DATE_STYLE_CUTS[1], 2, 0))


def _parse_pay(written: pl.Series) -> np.ndarray:
    return written.str.replace_all(r"[S/ ,]", "").cast(pl.Float64, strict=False).fill_null(np.nan).to_numpy()


def _format_pay(amount: np.ndarray, soles: np.ndarray) -> pl.Series:
    """As spanish.positions_table: '18050.00' or 'S/ 18,050.00'."""
    pay = pl.col("p")
    return pl.DataFrame({"p": np.round(amount).astype(np.int64), "s": soles}).select(
        pl.when(pl.col("s")).then(pl.format("S/ {},{}.00", pay // 1000, (pay % 1000).cast(pl.Utf8).str.zfill(3)))
        .otherwise(pl.format("{}.00", pay)).alias("remuneracion")).to_series()


# --- fresh DNIs ----------------------------------------------------------------------------------

class _DniPool:
    """Fake DNIs in the 9xxxxxxx range that collide with no DNI of the base nor with each other.
    Candidates are drawn in fixed-size batches, so the stream is one fixed sequence whatever the
    sizes asked for: the n-th fresh DNI of the output is the same whatever the chunking."""

    BATCH = 1 << 16

    def __init__(self, rng: np.random.Generator) -> None:
        self.used = np.zeros(DNI_RANGE, dtype=bool)
        self.rng = rng
        self.buffer = np.empty(0, dtype=np.int64)
        self.free = DNI_RANGE

    def mark(self, base_dnis: pl.Series) -> None:
        """DNIs of the base: never given again. Call before the first `take`."""
        ids = base_dnis.cast(pl.Int64, strict=False).drop_nulls().to_numpy()
        ids = ids[(ids >= DNI_LOW) & (ids < DNI_LOW + DNI_RANGE)] - DNI_LOW
        self.free -= int((~self.used[ids]).sum()) if ids.size else 0
        self.used[ids] = True

    def take(self, k: int) -> np.ndarray:
        if k > self.free + self.buffer.size:
            raise ValueError(f"the 9xxxxxxx DNI range has fewer than {k} unused numbers left")
        while self.buffer.size < k:  # batches of candidates, not rows
            cand = self.rng.integers(0, DNI_RANGE, self.BATCH)
            _, first = np.unique(cand, return_index=True)
            cand = cand[np.sort(first)]
            cand = cand[~self.used[cand]]
            self.used[cand] = True
            self.free -= cand.size
            self.buffer = np.concatenate([self.buffer, cand])
        out, self.buffer = self.buffer[:k], self.buffer[k:]
        return out + DNI_LOW


# --- the snapshot ---------------------------------------------------------------------------------

@dataclass
class _Context:
    seed: int
    rates: dict[str, float]
    base_day: int  # epoch days
    days: int  # days between the two snapshots
    entity_class: dict[str, str]
    pay_cap: dict[str, float]
    max_seq: dict[str, int]
    pool: _DniPool
    issued: dict[str, int] = field(default_factory=dict)  # new numbers given per entity so far
    net: dict[str, int] = field(default_factory=dict)  # new minus removed per entity
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, **counts: int) -> None:
        for k, v in counts.items():
            self.counts[k] = self.counts.get(k, 0) + int(v)


def _base_date(base_dir: Path) -> str:
    readme = base_dir / "README.md"
    if readme.exists():
        match = _README_DATE.search(readme.read_text(encoding="utf-8"))
        if match:
            return match.group(1)
    found = paths.snapshot_date(base_dir.resolve().name)
    if found:
        return found
    raise ValueError(f"cannot tell the date of the base snapshot {base_dir}: no README.md written by the "
                     "sample and no date in the folder name")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _row_blocks(path: Path, block_bytes: int, digest: Any = None) -> Iterator[bytes]:
    """The CSV in parseable pieces: the header line plus about `block_bytes` of whole rows each
    (a newline inside a quoted cell does not end a row). `digest` sees every byte of the file."""
    with path.open("rb") as fh:
        header = fh.readline()
        if digest is not None:
            digest.update(header)
        carry = b""
        while data := fh.read(block_bytes):
            if digest is not None:
                digest.update(data)
            buf = carry + data
            cut = buf.rfind(b"\n")
            while cut >= 0 and buf.count(b'"', 0, cut) % 2:  # that newline is inside quotes
                cut = buf.rfind(b"\n", 0, cut)
            if cut < 0:
                carry = buf
                continue
            yield header + buf[:cut + 1]
            carry = buf[cut + 1:]
        if carry.strip():
            yield header + carry


def _draws(ctx: _Context, r0: int, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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


def _evolve_chunk(df: pl.DataFrame, ctx: _Context, r0: int, lens: np.ndarray) -> pl.DataFrame:
    """Evolve whole entity runs: rows of runs r0, r0 + 1, ... of `lens` rows each."""
    rates = ctx.rates
    n = df.height
    r1 = r0 + len(lens)
    u_row, z_row, k_new, u_new = _draws(ctx, r0, lens)
    run = np.repeat(np.arange(r0, r1), lens)
    entity = df["codigo_entidad"]
    level = df["nivel_organizacional"].cast(pl.Int64, strict=False).fill_null(0).to_numpy()
    body = _canonical(df["tipo_organo"], "body_type")
    appointment = _canonical(df["condicion"], "appointment_type")
    regime = _canonical(df["regimen_laboral"], "labor_regime")
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
                         np.where(new_condition, _spell_appointment(fill_kind, u_row[:, U_FILL_SPELL]), ""))
    start_day = ctx.base_day + 1 + np.floor(u_row[:, U_DAY] * ctx.days).astype(np.int64)
    style = _date_style(df["fecha_inicio"])
    style = np.where(style < 0, _drawn_date_style(u_row[:, U_DATE_STYLE]), style)

    # --- pay: general adjustment by regime, individual changes, within the sample's limits -------
    old_pay = _parse_pay(df["remuneracion"])
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
        pl.when(pl.Series(pay_changed)).then(_format_pay(amount, soles))
        .otherwise(pl.col("remuneracion")).alias("remuneracion"),
        pl.when(pl.Series(incoming)).then(pl.Series(new_sex, dtype=pl.Utf8)).when(pl.Series(vacated)).then(None)
        .otherwise(pl.col("sexo")).alias("sexo"),
        pl.when(pl.Series(vacated)).then(None).when(pl.Series(incoming)).then(_format_dates(start_day, style))
        .otherwise(pl.col("fecha_inicio")).alias("fecha_inicio"),
        pl.when(pl.Series(incoming | vacated)).then(None).otherwise(pl.col("dni")).alias("dni"),
        _gendered_titles(df["cargo"], to_female, to_male),
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
    clone_vacant = _canonical(clones["condicion"], "appointment_type") == "vacant"
    clone_kind = np.where(u_new[:, V_FILL_KIND] < rates["filled_as_appointed"], "appointed", "interim")
    clone_day = ctx.base_day + 1 + np.floor(u_new[:, V_DAY] * ctx.days).astype(np.int64)
    ids = clones.select("codigo_entidad").with_columns(
        rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("codigo_entidad"))
    offset = {e: ctx.max_seq.get(e, 0) + ctx.issued.get(e, 0) for e in ids["codigo_entidad"].unique().to_list()}
    seq = ids["rank"] + ids["codigo_entidad"].replace_strict(offset, return_dtype=pl.Int64).cast(pl.Int64)
    clones = clones.with_columns(
        codigo_puesto=pl.format("{}-{}", pl.col("codigo_entidad"), seq.cast(pl.Utf8).str.zfill(6)),
        condicion=pl.when(pl.Series(clone_vacant))
        .then(pl.Series(_spell_appointment(clone_kind, u_new[:, V_FILL_SPELL]))).otherwise(pl.col("condicion")),
        sexo=pl.Series(np.where(clone_female, "F", "M")),
        fecha_inicio=_format_dates(clone_day, _drawn_date_style(u_new[:, V_DATE_STYLE])),
        dni=pl.lit(None, dtype=pl.Utf8),
        cargo=_gendered_titles(clones["cargo"], clone_female & ~source_female, ~clone_female & source_female),
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


def _entities(base: pl.DataFrame, net: dict[str, int]) -> pl.DataFrame:
    """Same rows and text; total_puestos moves by each entity's new minus removed positions."""
    change = pl.col("codigo_entidad").replace_strict(net, default=0, return_dtype=pl.Int64)
    total = pl.col("total_puestos").cast(pl.Int64, strict=False)
    return base.with_columns(
        pl.when(total.is_not_null() & (change != 0)).then((total + change).clip(lower_bound=0).cast(pl.Utf8))
        .otherwise(pl.col("total_puestos")).alias("total_puestos"))


def evolve_snapshot(base_dir: Path, out_dir: Path, snapshot_date: str, seed: int = 20161130, *,
                    chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> dict:
    """Write entities.csv, positions.csv and README.md of a later snapshot of `base_dir` into
    `out_dir`; return the counts of each change (categories: see the module docstring).
    Same base, date and seed -> byte-identical files, whatever `chunk_bytes` (it only bounds memory)."""
    base_dir, out_dir = Path(base_dir), Path(out_dir)
    if base_dir.resolve() == out_dir.resolve():
        raise ValueError("out_dir must differ from base_dir")
    base_snapshot = _base_date(base_dir)
    base_day = date.fromisoformat(base_snapshot).toordinal() - date(1970, 1, 1).toordinal()
    new_day = date.fromisoformat(snapshot_date).toordinal() - date(1970, 1, 1).toordinal()
    if new_day <= base_day:
        raise ValueError(f"snapshot_date {snapshot_date} must be after the base snapshot {base_snapshot}")
    rates = evolution_rates()
    positions_path = base_dir / "positions.csv"
    header = pl.read_csv(positions_path, infer_schema=False, n_rows=0).columns
    missing = [h for h in REQUIRED_HEADERS if h not in header]
    if missing:
        raise ValueError(f"{positions_path} lacks the sample's columns {missing}")

    # Pass 1, block by block: each entity's highest number, the DNIs in use, the file's hash.
    pool = _DniPool(np.random.default_rng([seed, 12]))
    digest = hashlib.sha256()
    seqs: list[pl.DataFrame] = []
    for block in _row_blocks(positions_path, chunk_bytes, digest):
        keys = pl.read_csv(io.BytesIO(block), infer_schema=False, columns=["codigo_puesto", "codigo_entidad", "dni"])
        pool.mark(keys["dni"])
        seq = keys.select("codigo_entidad", seq=pl.col("codigo_puesto").str.extract(r"-(\d+)$").cast(pl.Int64))
        if seq["seq"].null_count():
            raise ValueError(f"{positions_path}: every codigo_puesto must end in '-<number>' (e.g. GN-01001-000123)")
        seqs.append(seq.group_by("codigo_entidad").agg(pl.col("seq").max()))
    max_seq = dict(pl.concat(seqs).group_by("codigo_entidad").agg(pl.col("seq").max()).iter_rows()) if seqs else {}
    positions_sha = digest.hexdigest()

    base_entities = pl.read_csv(base_dir / "entities.csv", infer_schema=False)
    entity_class = dict(zip(base_entities["codigo_entidad"].to_list(),
                            _canonical(base_entities["tipo_entidad"], "entity_classification").tolist(),
                            strict=True))
    pay_cap = dict(reference.pay_exceptions().select("registry_id", "max_monthly_pay").iter_rows())
    ctx = _Context(seed, rates, base_day, new_day - base_day, entity_class, pay_cap, max_seq, pool)

    # Pass 2: evolve whole entity runs (a run cut by the end of a block waits for the next block).
    out_dir.mkdir(parents=True, exist_ok=True)
    run0, pieces = 0, 0
    with (out_dir / "positions.csv").open("wb") as fh:
        def flush(df: pl.DataFrame, lens: np.ndarray) -> None:
            nonlocal run0, pieces
            _evolve_chunk(df, ctx, run0, lens).select(header).write_csv(fh, include_header=(pieces == 0))
            run0, pieces = run0 + len(lens), pieces + 1

        pending: pl.DataFrame | None = None
        for block in _row_blocks(positions_path, chunk_bytes):
            df = pl.read_csv(io.BytesIO(block), infer_schema=False)
            df = df if pending is None else pl.concat([pending, df])
            lens = df["codigo_entidad"].rle().struct.field("len").to_numpy().astype(np.int64)
            cut = df.height - int(lens[-1])
            if cut > 0:
                flush(df.slice(0, cut), lens[:-1])
            pending = df.slice(cut)
        if pending is not None:
            flush(pending, pending["codigo_entidad"].rle().struct.field("len").to_numpy().astype(np.int64))
        if pieces == 0:
            pl.DataFrame(schema=dict.fromkeys(header, pl.Utf8)).write_csv(fh)
            ctx.add(**dict.fromkeys(("rows_in", "rows_out", "new", "unchanged", *CATEGORIES,
                                     "reclassified_level", "reclassified_body", "vacancies_filled"), 0))
    entities = _entities(base_entities, ctx.net)
    entities.write_csv(out_dir / "entities.csv")

    c = ctx.counts
    overlaps = {k: v for k, v in c.items() if "+" in k}
    (out_dir / "README.md").write_text(render_evolved(
        snapshot=snapshot_date, seed=seed, entities=entities.height, positions=c["rows_out"],
        base_snapshot=base_snapshot, base_name=base_dir.resolve().name, base_positions=c["rows_in"],
        base_positions_sha=positions_sha[:16], base_entities_sha=_sha256(base_dir / "entities.csv")[:16],
        removed=c["removed"], new=c["new"], reclassified=c["reclassified"],
        reclassified_level=c["reclassified_level"], reclassified_body=c["reclassified_body"],
        occupant_changed=c["occupant_changed"], vacancies_filled=c["vacancies_filled"], vacated=c["vacated"],
        pay_changed=c["pay_changed"], unchanged=c["unchanged"], positions_in=c["rows_in"],
        positions_out=c["rows_out"], categories=CATEGORY_RULE,
        overlaps="; ".join(f"{k.replace('+', ' & ')}: {v}" for k, v in overlaps.items())), encoding="utf-8")
    write_series(out_dir, read_series(base_dir))  # a later snapshot of the same series
    return {
        "out_dir": str(out_dir),
        "files": ["entities.csv", "positions.csv", "README.md", "series.json"],
        "base_snapshot": base_snapshot,
        "snapshot_date": snapshot_date,
        "seed": seed,
        "rows_in": c["rows_in"],
        "rows_out": c["rows_out"],
        **{k: c[k] for k in CATEGORIES},
        "detail": {k: c[k] for k in ("reclassified_level", "reclassified_body", "vacancies_filled")},
        "unchanged": c["unchanged"],
        "overlaps": overlaps,
        "categories": CATEGORY_RULE,
        "entities": {"rows": entities.height,
                     "total_puestos_changed": sum(1 for v in ctx.net.values() if v != 0)},
        "chunks": pieces,
    }
