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
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from pipelines import paths
from pipelines.ingest.discovery import sha256_of
from pipelines.refresh.series import read_series, write_series
from pipelines.sample import reference
from pipelines.sample.csv_blocks import row_blocks
from pipelines.sample.dni_pool import DniPool
from pipelines.sample.evolve_rows import Context, evolve_chunk
from pipelines.sample.positions import REGIMES
from pipelines.sample.readme import render_evolved
from pipelines.sample.respell import canonical

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

_README_DATE = re.compile(r"\*\*Corte / snapshot:\*\* (\d{4}-\d{2}-\d{2})")


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
    pool = DniPool(np.random.default_rng([seed, 12]))
    digest = hashlib.sha256()
    seqs: list[pl.DataFrame] = []
    for block in row_blocks(positions_path, chunk_bytes, digest):
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
                            canonical(base_entities["tipo_entidad"], "entity_classification").tolist(),
                            strict=True))
    pay_cap = dict(reference.pay_exceptions().select("registry_id", "max_monthly_pay").iter_rows())
    ctx = Context(seed, rates, base_day, new_day - base_day, entity_class, pay_cap, max_seq, pool)

    # Pass 2: evolve whole entity runs (a run cut by the end of a block waits for the next block).
    out_dir.mkdir(parents=True, exist_ok=True)
    run0, pieces = 0, 0
    with (out_dir / "positions.csv").open("wb") as fh:
        def flush(df: pl.DataFrame, lens: np.ndarray) -> None:
            nonlocal run0, pieces
            evolve_chunk(df, ctx, run0, lens).select(header).write_csv(fh, include_header=(pieces == 0))
            run0, pieces = run0 + len(lens), pieces + 1

        pending: pl.DataFrame | None = None
        for block in row_blocks(positions_path, chunk_bytes):
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
        base_positions_sha=positions_sha[:16], base_entities_sha=sha256_of(base_dir / "entities.csv")[:16],
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
