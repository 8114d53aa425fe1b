"""Build the real embedded snapshot `embedded/2025-01-31/` from `../shared/realdata` (developers only).

    python -m pipelines.embedded.build [--realdata ../shared/realdata]

The output is committed: a fresh clone never needs `../shared`. The files are prepared only as an
analyst would - selecting rows and renaming columns; nothing is classified here (entity types are
inferred by the pipeline from names and branch, positions are linked to entities by name):

- `entidades.csv`: national and regional entities. The Portal de Transparencia list (every branch
  but local governments, plus the Metropolitan Municipality of Lima, which SERVIR's Table 8 reads
  with regional governments) and the MEF executing structure of the National Government (pliegos
  and their executing units current in 2024-2025; a pliego's first unit is its own
  administration and is not repeated). An MEF pliego or unit whose normalized name is already
  listed by the Portal is not listed twice (its units point at the Portal's row).
- `puestos.csv`: the gob.pe directory of officials (scraped January 2025) without local
  governments (institutions named "Municipalidad ..." other than Lima Metropolitana), with a
  generated position code.
- `series.json` and `README.md` (provenance, licenses, coverage).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import polars as pl

from pipelines.embedded.snapshots import EMBEDDED_ROOT
from pipelines.ingest.names import name_key_expr
from pipelines.paths import PROJECT_ROOT
from pipelines.refresh.series import SeriesInfo

SNAPSHOT = "2025-01-31"  # gob.pe was scraped in January 2025
DEFAULT_REALDATA = PROJECT_ROOT.parent / "shared" / "realdata"
PTE_FILE = "pte_entidades.tsv"
MEF_FILE = "derived_registro_GN_sector_pliego_ue.csv"
GOBPE_FILE = "gobpe_funcionarios_cargos_sin_datos_personales.csv"
CURRENT_FROM = 2024  # MEF units still budgeted in 2024-2025
LIMA_METRO_PTE_ID = "1434"
ENTITY_COLUMNS = ["codigo_entidad", "entidad", "nivel_gobierno", "tipo_poder", "sector", "entidad_padre", "fuente"]

SERIES = SeriesInfo(
    series="gobpe-directorio",
    origin="real",
    source="gob.pe directorio de funcionarios (enero 2025); MEF Consulta Amigable; Portal de Transparencia Estándar",
    description=("Funcionarios y cargos de las instituciones nacionales y regionales publicados en gob.pe "
                 "(enero 2025), con las entidades del MEF y del Portal de Transparencia. Lista autoridades, "
                 "no todos los puestos; sin remuneración ni condición del ocupante."),
)


def pte_entities(realdata: Path) -> pl.DataFrame:
    pte = pl.read_csv(realdata / PTE_FILE, separator="\t", infer_schema=False)
    keep = (pl.col("tipo_poder_nombre") != "Gobiernos locales") | (pl.col("entidad_id") == LIMA_METRO_PTE_ID)
    return pte.filter(keep).select(
        pl.format("PTE-{}", "entidad_id").alias("codigo_entidad"),
        pl.col("entidad_nombre").str.strip_chars().alias("entidad"),
        pl.lit(None, pl.Utf8).alias("nivel_gobierno"),
        pl.col("tipo_poder_nombre").alias("tipo_poder"),
        pl.col("categoria").alias("sector"),
        pl.lit(None, pl.Utf8).alias("entidad_padre"),
        pl.lit(PTE_FILE).alias("fuente"),
    )


def mef_entities(realdata: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(pliegos, executing units other than each pliego's first)."""
    mef = (pl.read_csv(realdata / MEF_FILE, infer_schema=False)
           .filter(pl.col("anio_max").cast(pl.Int32) >= CURRENT_FROM)
           .sort("sector", "pliego", "ejecutora"))
    pliego_id = pl.format("MEF-{}-{}", "sector", "pliego")
    pliegos = mef.unique(subset=["sector", "pliego"], keep="first", maintain_order=True).select(
        pliego_id.alias("codigo_entidad"), pl.col("pliego_nombre").alias("entidad"), "nivel_gobierno",
        pl.lit(None, pl.Utf8).alias("tipo_poder"), pl.col("sector_nombre").alias("sector"),
        pl.lit(None, pl.Utf8).alias("entidad_padre"), pl.lit(MEF_FILE).alias("fuente"))
    units = mef.filter(pl.int_range(pl.len()).over("sector", "pliego") > 0).select(
        pl.format("UE-{}", "sec_ejec").alias("codigo_entidad"), pl.col("ejecutora_nombre").alias("entidad"),
        "nivel_gobierno", pl.lit(None, pl.Utf8).alias("tipo_poder"), pl.col("sector_nombre").alias("sector"),
        pliego_id.alias("entidad_padre"), pl.lit(MEF_FILE).alias("fuente"))
    return pliegos, units


def entities(realdata: Path) -> pl.DataFrame:
    key = name_key_expr(pl.col("entidad")).alias("key")
    pte = pte_entities(realdata).with_columns(key)
    pliegos, units = mef_entities(realdata)
    pliegos = pliegos.with_columns(key)
    # A pliego the Portal already lists (MEF 'M. DE SALUD' = PTE 'MINISTERIO DE SALUD (MINSA)').
    pte_first = (pte.unique(subset="key", keep="first", maintain_order=True)
                 .select("key", pl.col("codigo_entidad").alias("pte_id")))
    pliegos = pliegos.join(pte_first, on="key", how="left")
    same_as = dict(pliegos.filter(pl.col("pte_id").is_not_null()).select("codigo_entidad", "pte_id").iter_rows())
    new_pliegos = pliegos.filter(pl.col("pte_id").is_null()).drop("pte_id")
    units = units.with_columns(key, pl.col("entidad_padre").replace(same_as))
    listed = pl.concat([pte, new_pliegos])["key"].implode()
    new_units = units.filter(~pl.col("key").is_in(listed)).unique(subset="key", keep="first", maintain_order=True)
    return pl.concat([pte, new_pliegos, new_units]).select(ENTITY_COLUMNS)


def positions(realdata: Path) -> pl.DataFrame:
    gob = pl.read_csv(realdata / GOBPE_FILE, infer_schema=False).with_row_index("n", offset=1)
    local = (pl.col("institucion").str.to_lowercase().str.starts_with("municipalidad")
             & ~pl.col("institucion").str.to_lowercase().str.starts_with("municipalidad metropolitana de lima"))
    return gob.filter(~local).select(
        pl.format("GOBPE-{}", pl.col("n").cast(pl.Utf8).str.zfill(5)).alias("codigo_puesto"),
        "institucion", "cargo", "fecha_inicio")


README_TEMPLATE = Path(__file__).with_name("readme.md")  # {placeholders} filled by build()


def build(realdata: Path = DEFAULT_REALDATA, out_root: Path = EMBEDDED_ROOT) -> dict[str, int]:
    folder = out_root / SNAPSHOT
    folder.mkdir(parents=True, exist_ok=True)
    ents, posts = entities(realdata), positions(realdata)
    ents.write_csv(folder / "entidades.csv")
    posts.write_csv(folder / "puestos.csv")
    (folder / "README.md").write_text(README_TEMPLATE.read_text(encoding="utf-8").format(
        entities=f"{ents.height:,}", positions=f"{posts.height:,}", current_from=CURRENT_FROM,
        gobpe=GOBPE_FILE, mef=MEF_FILE, pte=PTE_FILE), encoding="utf-8")
    (folder / "series.json").write_text(json.dumps(SERIES.as_dict(), indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    return {"entities": ents.height, "positions": posts.height}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realdata", type=Path, default=DEFAULT_REALDATA)
    counts = build(parser.parse_args().realdata)
    print(f"embedded/{SNAPSHOT}: {counts['entities']} entities, {counts['positions']} positions")


if __name__ == "__main__":
    main()
